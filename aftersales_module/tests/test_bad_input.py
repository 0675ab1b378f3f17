"""Malformed values get a 4xx with a message, never a 500, on every doctype of the module.

The test walks each doctype's meta (parents; child tables through their parent's table field; the
Single After Sales Settings by update only) and, for every field, sends malformed values the way
the REST handlers of frappe/api/v1.py do:

- create (POST /api/resource): `frappe.new_doc(doctype, **data).insert()`, where `data` is a valid
  payload for the doctype plus the one malformed value, so the value is what gets refused;
- update (PUT /api/resource): `doc = frappe.get_doc(doctype, name, for_update=True)`,
  `doc.update({field: value})`, `doc.save()` on an existing valid record; a child row's value goes
  in the table's rows, as a PUT sends them.

An attempt passes when it raises an exception whose `http_status_code` is 4xx and that carries a
message, or when it succeeds and the record reads back without error. Anything else (pymysql's
errors, TypeError, ValueError … carry no status code) is what a request answers with a 500, and
fails the test. Each attempt runs inside a savepoint that is rolled back afterwards; nothing may
commit. Fields the app manages (an escalation log row, a registration's fixed terms) may be
refused with 403 rather than 417: either is a 4xx."""

import copy
from collections import Counter
from contextlib import nullcontext

import frappe
from frappe.cache_manager import clear_doctype_map
from frappe.model import display_fieldtypes, table_fields
from frappe.utils import add_days, now_datetime, nowdate

from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.test_supplier_warranty_claim import (
	make_supplier,
)
from aftersales_module.guard import app_write
from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_customer,
	make_delivery_note,
	make_employee,
	make_repair_job,
	make_user,
	make_warehouse,
	receive_serial_units,
	use_repair_settings,
	warehouse,
)

MODULE = "Aftersales Module"
SAVEPOINT = "aftersales_bad_input"
TECHNICIAN = "as-bad-input-technician@example.com"

OBJECT = {"a": 1}
TOO_BIG_TEXT = "x" * 70000  # a text column holds 65535 bytes
EMOJI_TEXT = "\U0001f600" * 16384  # 16384 characters, 65536 bytes
LONE_SURROGATE = "broken \ud800 text"  # JSON may carry "\ud800"; it has no UTF-8 form

DATE = ("2026-02-30", "not a date", OBJECT, ["2026-01-01"], 20260101, 1.5, "0000-00-00", "10000-01-01")
DATETIME = ("2026-02-30 10:00:00", "2026-01-01 24:61:00", "not a date", OBJECT, [1], 1.5, "0001-01-01")
TIME = ("25:61:00", "not a time", OBJECT, [1], 1.5, "99999:00:00")
INT = ("three", 1e13, 2**40, -(2**40), 1.5, [1], OBJECT, "NaN", float("nan"), float("inf"), 10**400, "1e400")
DECIMAL = ("x", 1e13, -1e13, "NaN", float("nan"), float("-inf"), 10**400, [1], OBJECT, "1,5")
CHECK = ("yes", 2**40, 1.5, [1], OBJECT, "NaN")
VARCHAR = ("x" * 300, TOO_BIG_TEXT, OBJECT, ["a"], LONE_SURROGATE)
TEXT = (TOO_BIG_TEXT, EMOJI_TEXT, OBJECT, ["a"], LONE_SURROGATE)
LONG_TEXT = (OBJECT, ["a"], LONE_SURROGATE)
LINK = ("no such record", OBJECT, ["a"], "x" * 300, 5, 1.5, True, LONE_SURROGATE)
TABLE = ("abc", [1, 2], OBJECT, 5, [[1]], ["abc"], [{}])

BAD_VALUES = {
	"Date": DATE,
	"Datetime": DATETIME,
	"Time": TIME,
	"Int": INT,
	"Float": DECIMAL,
	"Currency": DECIMAL,
	"Percent": DECIMAL,
	"Check": CHECK,
	"Rating": ("x", 5, -1, [1], OBJECT),
	"Data": VARCHAR,
	"Read Only": VARCHAR,
	"Phone": VARCHAR,
	"Autocomplete": VARCHAR,
	"Password": (TOO_BIG_TEXT, OBJECT, ["a"], LONE_SURROGATE),
	"Small Text": TEXT,
	"Text": TEXT,
	"Long Text": LONG_TEXT,
	"Text Editor": LONG_TEXT,
	"Code": LONG_TEXT,
	"HTML Editor": LONG_TEXT,
	"Markdown Editor": LONG_TEXT,
	"Signature": (*LONG_TEXT, TOO_BIG_TEXT),
	"Link": LINK,
	"Dynamic Link": ("no such record", OBJECT, ["a"], "x" * 300, 5),
	"Select": ("Not an option", OBJECT, ["a"], "x" * 300, 5, LONE_SURROGATE),
	"Table": TABLE,
	"Table MultiSelect": TABLE,
}
ANY_TYPE = (OBJECT, ["a"])  # a field type not listed above still gets values of the wrong type
# A naming series is a pattern Frappe expands when it names the record
NAMING_SERIES = (
	"ABC-.{no_such_field}.-",
	".{customer}.",
	"#",
	"..",
	"%s",
	"AB-.####.-.####",
	"{",
	"ABC-.YY.-.MM.-.DD.",
)


def bad_values(df) -> tuple:
	values = BAD_VALUES.get(df.fieldtype, ANY_TYPE)
	if df.fieldname == "naming_series":
		values = (*values, *NAMING_SERIES)
	column, length = frappe.db.type_map.get(df.fieldtype, (None, None))
	limit = int(df.get("length") or 0) or (int(length) if column == "varchar" else 0)
	if limit >= 300:
		values = (*values, "x" * (limit + 1))  # just over a wider varchar
	return values


def unique(prefix: str) -> str:
	return f"{prefix} {frappe.generate_hash(length=8)}"


# ------------------------------------------------------------------ valid payloads

# The records are made in this order (later ones link to earlier ones). A new doctype of the module
# fails the test until it has a payload here.
ORDER = (
	"Complaint Category",
	"Escalation Policy",
	"Complaint Record",
	"Warranty Registration",
	"Product Warranty Claim",
	"Product Exchange",
	"Repair Job",
	"Maintenance Contract",
	"Maintenance Contract Billing",
	"Reminder Log",
	"Return Visit",
	"Technician Performance Day",
	"Return Visit Day",
	"Complaint Day",
	"After Sales Stale Day",
	"Technician Daily Report",
	"Supplier Warranty Claim",
	"Reward and Penalty Entry",
	"After Sales Settings",
)
# Only the app's own code makes these (every field is app-managed): their records are made inside
# app_write(), and a POST of them is refused (403) when its values are well-formed.
APP_MADE = (
	"Maintenance Contract Billing",
	"Reminder Log",
	"Return Visit",
	"Technician Performance Day",
	"Return Visit Day",
	"Complaint Day",
	"After Sales Stale Day",
)


def base_payload(doctype: str, ctx) -> dict:
	"""The body of a valid POST /api/resource/<doctype>."""
	today = nowdate()
	if doctype == "Supplier Warranty Claim":
		return {
			"supplier": ctx.supplier,
			"company": TEST_COMPANY,
			"items": [base_row("Supplier Warranty Claim Item", ctx)],
		}
	if doctype == "Reward and Penalty Entry":
		return {"employee": ctx.fined_employee, "rule": "Other", "amount": 10, "reason": "Late to site"}
	if doctype == "Complaint Record":
		return {
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"subject": "Pump leaks at the shaft seal",
			"channel": "Phone",
			"fulfilments": [base_row("Complaint Record Fulfilment", ctx)],
		}
	if doctype == "Complaint Category":
		return {"category_name": unique("_AS Bad Input Category")}
	if doctype == "Escalation Policy":
		return {
			"policy_name": unique("_AS Bad Input Policy"),
			"document_type": "Complaint Record",
			"enabled": 0,
			"reply_deadline_days": 15,
			"levels": [base_row("Escalation Policy Level", ctx)],
		}
	if doctype == "Product Warranty Claim":
		return {
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"item_code": SPARE_PART,
			"symptom": "Seal leaks",
			"resolution": "Rejected",
			"rejection_reason": "Misuse",
		}
	if doctype == "Product Exchange":
		return {
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"item_code": SERIAL_ITEM,
			"faulty_serial_no": ctx.faulty_serial,
			"replacement_serial_no": ctx.replacement_serial,
			"warehouse": warehouse(),
			"reason": "Burnt out twice",
		}
	if doctype == "Repair Job":
		return {
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"service_class": "Paid",
			"reported_symptom": "Pump leaks at the seal",
			"parts": [base_row("Repair Job Part", ctx)],
			"labour": [base_row("Repair Job Labour", ctx)],
			"technicians": [base_row("Repair Job Technician", ctx)],
		}
	if doctype == "Warranty Registration":
		return {
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"item_code": SPARE_PART,
			"start_date": today,
			"warranty_days": 365,
		}
	if doctype == "Maintenance Contract":
		return {
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"contract_type": "Full Service",
			"start_date": today,
			"end_date": add_days(today, 364),
			"visits_per_year": 2,
			"billing_amount": 1200,
			"billing_interval": "Yearly",
			"units": [base_row("Maintenance Contract Unit", ctx)],
			"team": [base_row("Maintenance Contract Team Member", ctx)],
		}
	if doctype == "Maintenance Contract Billing":
		return {
			"maintenance_contract": ctx.records["Maintenance Contract"],
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"period_start": today,
			"period_end": add_days(today, 364),
			"amount": 1200,
			"status": "Pending",
		}
	if doctype == "Reminder Log":
		return {
			"kind": "Warranty Ending",
			"reference_doctype": "Warranty Registration",
			"reference_name": ctx.records["Warranty Registration"],
			"lead_days": 30,
			"sent_on": now_datetime(),
			"channel": "Email",
			"sent_to": "customer@example.com",
		}
	if doctype == "Technician Performance Day":
		return {"day": today, "company": TEST_COMPANY, "technician": TECHNICIAN, "jobs": 1, "hours": 1.5}
	if doctype == "Return Visit Day":
		return {
			"day": today,
			"company": TEST_COMPANY,
			"visit_kind": "Satisfaction Call",
			"due": 2,
			"visited": 1,
		}
	if doctype == "Complaint Day":
		return {
			"day": today,
			"company": TEST_COMPANY,
			"dimension": "Severity",
			"value": "Major",
			"complaints": 1,
		}
	if doctype == "After Sales Stale Day":  # named by its day: one far from others
		return {"day": add_days(today, 5000 + int(frappe.generate_hash(length=4), 16) % 40000)}
	if doctype == "Return Visit":
		return {
			"visit_kind": "Satisfaction Call",
			"reference_doctype": "Repair Job",
			"reference_name": ctx.records["Repair Job"],
			"repair_job": ctx.records["Repair Job"],
			"technician": TECHNICIAN,
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"service_date": today,
			"due_date": add_days(today, 1),
			"last_day": add_days(today, 7),
			"contact_method": "Phone",
		}
	if doctype == "Technician Daily Report":
		return {
			"technician": TECHNICIAN,
			"report_date": today,
			"company": TEST_COMPANY,
			"lines": [base_row("Technician Daily Report Line", ctx)],
		}
	raise KeyError(doctype)


def base_row(doctype: str, ctx) -> dict:
	"""A valid row of a child table."""
	if doctype == "Supplier Warranty Claim Item":
		# the labour of a warranty job of its own: a job's work is claimed once, ever
		job = make_repair_job(
			service_class="Warranty", parts=[], labour=[{"activity": "Bad input", "hours": 1}]
		)
		return {"repair_job": job.name}
	if doctype == "After Sales Supplier Terms":
		return {"supplier": ctx.supplier, "labour_rate": 50, "booking": "Debit Note"}
	if doctype == "Complaint Record Fulfilment":
		return {"reference_doctype": "Customer", "reference_name": CUSTOMER, "task": "Call back", "done": 0}
	if doctype in ("Complaint Record Escalation", "After Sales Escalation Entry"):
		return {
			"escalated_at": now_datetime(),
			"from_level": 0,
			"to_level": 1,
			"level_label": "Manager",
			"recipients": "Administrator",
			"reason": "Overdue",
			"channels": "Email",
			"is_manual": 1,
			"escalated_by": "Administrator",
			"webhook_status": "Sent",
			"webhook_attempts": 1,
		}
	if doctype == "Escalation Policy Level":
		return {
			"level_label": "Manager",
			"after_value": 1,
			"after_unit": "Days",
			"since": "Creation",
			"target_type": "Role",
			"target_role": "After Sales Manager",
		}
	if doctype == "Repair Job Part":
		return {"item_code": SPARE_PART, "qty": 2}
	if doctype == "Repair Job Labour":
		return {"activity": "Replace seal", "hours": 1}
	if doctype == "Repair Job Technician":
		return {"user": TECHNICIAN}
	if doctype == "Maintenance Contract Unit":
		return {"item_code": SPARE_PART, "qty": 1}
	if doctype == "Maintenance Contract Team Member":
		return {"user": TECHNICIAN, "is_lead": 1}
	if doctype == "Maintenance Contract Visit":  # the schedule is the app's
		return {"planned_date": nowdate(), "status": "Planned"}
	if doctype == "Technician Daily Report Line":
		return {"repair_job": ctx.records["Repair Job"], "work_category": "On-site Repair", "hours": 1}
	raise KeyError(doctype)


def module_doctypes() -> list[frappe._dict]:
	return frappe.get_all(
		"DocType", filters={"module": MODULE}, fields=["name", "istable", "issingle"], order_by="name"
	)


def value_fields(doctype: str) -> list:
	return [df for df in frappe.get_meta(doctype).fields if df.fieldtype not in display_fieldtypes]


def pause_assignment_rules() -> list[str]:
	"""Turn off, in this transaction, the Assignment Rules of the module's doctypes; the doctypes
	whose rules were on. Frappe applies them on every save, and under tests mails the assignee at
	once: the Email Queue commits, which would keep this test's records and end its savepoints.
	(A round-robin rule with no users also fails, IndexError, on every save.)"""
	rules = frappe.get_all(
		"Assignment Rule",
		filters={"document_type": ("in", [row.name for row in module_doctypes()]), "disabled": 0},
		fields=["name", "document_type"],
	)
	for rule in rules:
		frappe.db.set_value("Assignment Rule", rule.name, "disabled", 1)
	doctypes = sorted({rule.document_type for rule in rules})
	forget_assignment_rules(doctypes)
	return doctypes


def forget_assignment_rules(doctypes: list[str]) -> None:
	"""Drop the cached lists of the doctypes' active Assignment Rules, so they are read again."""
	for doctype in doctypes:
		clear_doctype_map("Assignment Rule", doctype)


def read_back(doctype: str, name: str) -> None:
	"""What GET /api/resource and the print view do with the stored record; and what was stored
	must be sound: every link names a record, every Select holds one of its options."""
	doc = frappe.get_doc(doctype, name)
	frappe.as_json(doc.as_dict())
	for d in [doc, *doc.get_all_children()]:
		for df in value_fields(d.doctype):
			if df.fieldtype in table_fields:
				continue
			d.get_formatted(df.fieldname)
			value = d.get(df.fieldname)
			if not value:
				continue
			target = df.options if df.fieldtype == "Link" else d.get(df.options)
			if df.fieldtype in ("Link", "Dynamic Link") and not frappe.db.exists(target, value):
				raise ValueError(f"stored {df.fieldname} = {value!r}: no such {target}")
			if df.fieldtype == "Select" and value not in (df.options or "").split("\n"):
				raise ValueError(f"stored {df.fieldname} = {value!r}: not one of its options")


class TestBadInput(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# the records and attempts live in one transaction, rolled back at the end: nothing commits
		cls.commits = []
		frappe.db.before_commit.add(lambda: cls.commits.append(True))
		use_repair_settings()
		frappe.db.set_single_value("After Sales Settings", "returns_warehouse", make_warehouse("_AS Returns"))
		cls.addClassCleanup(forget_assignment_rules, pause_assignment_rules())
		cls.addClassCleanup(frappe.db.rollback)  # runs first: the rules are read again after it
		make_user(TECHNICIAN, ["Service Technician"])
		make_customer(CUSTOMER)
		cls.faulty_serial, cls.replacement_serial = receive_serial_units(2)
		make_delivery_note(SERIAL_ITEM, 1, [cls.faulty_serial])
		cls.supplier = make_supplier("_AS Bad Input Supplier")
		cls.fined_employee = make_employee(make_user("as-bad-input-fined@example.com", ["Employee"]))
		cls.make_records()

	@classmethod
	def make_records(cls) -> dict[str, str]:
		"""One valid record of each doctype, every child table with a row, to update."""
		cls.records = records = {}
		for doctype in ORDER:
			if frappe.get_meta(doctype).issingle:
				records[doctype] = doctype
				continue
			data = base_payload(doctype, cls)
			if doctype == "Technician Daily Report":
				data["report_date"] = add_days(nowdate(), -1)  # one report a day: today's is for POST
			with app_write() if doctype in APP_MADE else nullcontext():
				doc = frappe.new_doc(doctype, **data).insert()
			if doc.meta.get_field("escalation_log"):
				with app_write():  # the escalation engine writes the log
					log_doctype = doc.meta.get_field("escalation_log").options
					doc.append("escalation_log", base_row(log_doctype, cls))
					doc.save()
			records[doctype] = doc.name
		return records

	def setUp(self):
		self.attempts = 0
		self.outcomes = Counter()
		self.server_errors = []
		self.tried = set()

	def tearDown(self):
		frappe.set_user("Administrator")

	# ------------------------------------------------------------ one attempt

	def attempt(self, doctype: str, where: str, df, value, action) -> None:
		"""Run `action` (create or update), record it as a 500 unless it fails with a 4xx that
		carries a message, or succeeds with a record that reads back."""
		self.attempts += 1
		self.tried.add((doctype, df.fieldtype))
		frappe.clear_messages()
		frappe.db.savepoint(SAVEPOINT)
		try:
			try:
				doc = action()
			except Exception as e:
				status = getattr(e, "http_status_code", None) or 500
				self.outcomes[status] += 1
				if not 400 <= status < 500:
					self.server_errors.append(self.describe(doctype, where, df, value, action, e))
				elif not (str(e).strip() or frappe.local.message_log):
					self.server_errors.append(self.describe(doctype, where, df, value, "no message", e))
				return
			self.outcomes["stored"] += 1
			try:
				read_back(doc.doctype, doc.name)
			except Exception as e:
				self.server_errors.append(self.describe(doctype, where, df, value, "read back", e))
			frappe.clear_document_cache(doc.doctype, doc.name)  # it cached what is rolled back
		finally:
			frappe.db.rollback(save_point=SAVEPOINT)
			frappe.clear_messages()
			frappe.db.value_cache.clear()

	@staticmethod
	def describe(doctype, where, df, value, action, e) -> tuple:
		label = action if isinstance(action, str) else action.__name__
		return (doctype, where, df.fieldtype, repr(value)[:60], label, f"{type(e).__name__}: {str(e)[:200]}")

	# ------------------------------------------------------------ create and update, as REST does

	def create(self, doctype: str, data: dict):
		def create():
			return frappe.new_doc(doctype, **data).insert()

		return create

	def update(self, doctype: str, change):
		def update():
			doc = frappe.get_doc(doctype, self.records[doctype], for_update=True)
			doc.update(change(doc) if callable(change) else change)
			doc.save()
			return doc

		return update

	def try_parent_field(self, doctype: str, df, single: bool) -> None:
		for value in bad_values(df):
			if not single:
				data = base_payload(doctype, self)
				data[df.fieldname] = copy.deepcopy(value)
				self.attempt(doctype, df.fieldname, df, value, self.create(doctype, data))
			self.attempt(doctype, df.fieldname, df, value, self.update(doctype, {df.fieldname: value}))

	def try_child_field(self, doctype: str, table, df) -> None:
		"""A malformed value in the first row of `table` (a table field of `doctype`)."""
		child = table.options
		where = f"{table.fieldname}.{df.fieldname}"

		def rows_with(rows: list[dict], value) -> list[dict]:
			rows = copy.deepcopy(rows) or [base_row(child, self)]
			rows[0][df.fieldname] = copy.deepcopy(value)
			return rows

		single = frappe.get_meta(doctype).issingle  # the settings' tables: by update only
		for value in bad_values(df):
			if not single:
				data = base_payload(doctype, self)
				data[table.fieldname] = rows_with(data.get(table.fieldname) or [], value)
				self.attempt(child, where, df, value, self.create(doctype, data))

			def change(doc, value=value):
				return {
					table.fieldname: rows_with([row.as_dict() for row in doc.get(table.fieldname)], value)
				}

			self.attempt(child, where, df, value, self.update(doctype, change))

	# ------------------------------------------------------------ the walk

	def test_malformed_values_never_give_a_server_error(self):
		doctypes = module_doctypes()
		parents = [row for row in doctypes if not row.istable]
		missing = {row.name for row in parents} - set(self.records)
		self.assertFalse(missing, f"add a valid payload for {missing} to base_payload and ORDER")
		reached = set()
		for row in parents:
			for df in value_fields(row.name):
				self.try_parent_field(row.name, df, bool(row.issingle))
				if df.fieldtype in table_fields:
					reached.add(df.options)
					for child_df in value_fields(df.options):
						self.try_child_field(row.name, df, child_df)

		children = {row.name for row in doctypes if row.istable}
		self.assertEqual(children - reached, set(), "every child table is reached through a parent")
		self.assertEqual(
			{doctype for doctype, _fieldtype in self.tried},
			{row.name for row in doctypes},
			"every doctype was tried",
		)
		self.assertGreater(self.attempts, 300, "the walk sent malformed values")
		self.assertFalse(self.commits, "something committed: the savepoints did not undo the attempts")
		for doctype, name in self.records.items():  # a full rollback would have emptied the walk
			self.assertTrue(frappe.get_meta(doctype).issingle or frappe.db.exists(doctype, name), name)
		print(
			f"\n{self.attempts} malformed values sent: {', '.join(f'{n} {k}' for k, n in self.outcomes.most_common())}"
		)
		self.assertFalse(
			self.server_errors,
			f"{len(self.server_errors)} of {self.attempts} attempts would answer 500 (or a bare 4xx):\n"
			+ "\n".join(" | ".join(error) for error in self.server_errors),
		)
