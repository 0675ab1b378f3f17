"""Who may read, create, write, submit and cancel each After Sales document, over the REST handlers.

MATRIX is what the business intends, one row per role and doctype. Every cell is asserted, the
refused ones too (as frappe.PermissionError): a permission widened later, in a doctype's JSON, a
Custom DocPerm or a has_permission hook, fails here. Each user holds exactly one role.

The operations call what Frappe's REST API calls: frappe.client.get_list and frappe.client.get
(read), `frappe.new_doc(doctype, **data).insert()` (POST /api/resource, create),
`doc.update(data); doc.save()` (PUT /api/resource, write), frappe.client.submit and cancel. A
Product Exchange is submitted only through its approval chain: its "submit" is the workflow's final
"Approve" (POST /api/method/frappe.model.workflow.apply_workflow), and a refused one may also fail
with the workflow's own errors.

The app-made doctypes (contract billings, reminder logs, return visits) have records the app's
sweeps make: the samples are inserted inside app_write(), and a POST of them is refused."""

import frappe
import frappe.client
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError, apply_workflow
from frappe.utils import add_days, now_datetime, nowdate

from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.test_supplier_warranty_claim import (
	make_supplier,
)
from aftersales_module.guard import app_write
from aftersales_module.tests.contract_utils import contract_values
from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_complaint,
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
from aftersales_module.tests.visit_utils import activity_type

Y = "yes"  # on every record
OWN = "own"  # on the user's own records only: a technician's jobs, a portal customer's complaints
N = "no"  # refused with frappe.PermissionError
NA = "n/a"  # the doctype is not submittable

OPERATIONS = ("read", "create", "write", "submit", "cancel")

AS_MANAGER = "After Sales Manager"
AS_USER = "After Sales User"
TECHNICIAN = "Service Technician"
STOCK_USER = "Stock User"
ACCOUNTS_USER = "Accounts User"
REGIONAL = "Regional Manager"
GENERAL = "General Manager"
PORTAL = "Customer"  # a Website User in the portal_users table of a Customer
VISIT_STAFF = "Return Visit Staff"

USERS = {
	AS_MANAGER: "as-rm-manager@example.com",
	AS_USER: "as-rm-user@example.com",
	TECHNICIAN: "as-rm-technician@example.com",
	STOCK_USER: "as-rm-stock@example.com",
	ACCOUNTS_USER: "as-rm-accounts@example.com",
	REGIONAL: "as-rm-regional@example.com",
	GENERAL: "as-rm-general@example.com",
	PORTAL: "as-rm-portal@example.com",
	VISIT_STAFF: "as-rm-visits@example.com",
}
# a second technician, whose daily reports are someone else's to the matrix's technician
OTHER_TECHNICIAN = "as-rm-technician2@example.com"

# doctype: {role: (read, create, write, submit, cancel)}
MATRIX = {
	"Complaint Record": {
		AS_MANAGER: (Y, Y, Y, NA, NA),
		AS_USER: (Y, Y, Y, NA, NA),
		TECHNICIAN: (Y, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (OWN, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Complaint Category": {
		AS_MANAGER: (Y, Y, Y, NA, NA),
		AS_USER: (Y, N, N, NA, NA),
		TECHNICIAN: (Y, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Escalation Policy": {
		AS_MANAGER: (Y, Y, Y, NA, NA),
		AS_USER: (Y, N, N, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Product Warranty Claim": {
		AS_MANAGER: (Y, Y, Y, Y, Y),
		AS_USER: (Y, Y, Y, Y, N),
		TECHNICIAN: (Y, N, N, N, N),
		STOCK_USER: (N, N, N, N, N),
		ACCOUNTS_USER: (Y, N, N, N, N),  # the Warranty Cost report links the claims
		REGIONAL: (N, N, N, N, N),
		GENERAL: (N, N, N, N, N),
		PORTAL: (N, N, N, N, N),
		VISIT_STAFF: (N, N, N, N, N),
	},
	"Product Exchange": {
		AS_MANAGER: (Y, Y, Y, N, Y),
		AS_USER: (Y, Y, Y, N, N),
		TECHNICIAN: (N, N, N, N, N),
		STOCK_USER: (Y, N, N, N, N),
		ACCOUNTS_USER: (N, N, N, N, N),
		REGIONAL: (Y, N, Y, N, N),
		GENERAL: (Y, N, Y, Y, N),
		PORTAL: (N, N, N, N, N),
		VISIT_STAFF: (N, N, N, N, N),
	},
	"Repair Job": {
		AS_MANAGER: (Y, Y, Y, NA, NA),
		AS_USER: (Y, Y, Y, NA, NA),
		TECHNICIAN: (OWN, N, OWN, NA, NA),
		STOCK_USER: (Y, N, N, NA, NA),
		ACCOUNTS_USER: (Y, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Warranty Registration": {
		AS_MANAGER: (Y, Y, Y, NA, NA),
		AS_USER: (Y, N, N, NA, NA),
		TECHNICIAN: (Y, N, N, NA, NA),
		STOCK_USER: (Y, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Maintenance Contract": {
		AS_MANAGER: (Y, Y, Y, Y, Y),
		AS_USER: (Y, Y, Y, N, N),
		TECHNICIAN: (N, N, N, N, N),
		STOCK_USER: (N, N, N, N, N),
		ACCOUNTS_USER: (Y, N, N, N, N),
		REGIONAL: (N, N, N, N, N),
		GENERAL: (N, N, N, N, N),
		PORTAL: (N, N, N, N, N),
		VISIT_STAFF: (N, N, N, N, N),
	},
	"Maintenance Contract Billing": {  # made by the billing sweep
		AS_MANAGER: (Y, N, N, NA, NA),
		AS_USER: (Y, N, N, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (Y, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Reminder Log": {  # made by the reminder sweeps
		AS_MANAGER: (Y, N, N, NA, NA),
		AS_USER: (Y, N, N, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Technician Performance Day": {  # kept by the technician totals sweep
		AS_MANAGER: (Y, N, N, NA, NA),
		AS_USER: (N, N, N, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Return Visit Day": {  # kept by the day totals sweep
		AS_MANAGER: (Y, N, N, NA, NA),
		AS_USER: (N, N, N, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Complaint Day": {  # kept by the day totals sweep
		AS_MANAGER: (Y, N, N, NA, NA),
		AS_USER: (N, N, N, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"After Sales Stale Day": {  # marked by saves, cleared by that sweep
		AS_MANAGER: (Y, N, N, NA, NA),
		AS_USER: (N, N, N, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
	"Return Visit": {  # made by the return-visit sweep
		AS_MANAGER: (Y, N, Y, NA, NA),
		AS_USER: (Y, N, Y, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (Y, N, Y, NA, NA),  # the calls handed to them
	},
	"Supplier Warranty Claim": {
		AS_MANAGER: (Y, Y, Y, Y, Y),  # submits (sends) an approved claim
		AS_USER: (Y, Y, Y, N, N),
		TECHNICIAN: (N, N, N, N, N),
		STOCK_USER: (Y, N, N, N, N),
		ACCOUNTS_USER: (Y, N, Y, N, Y),  # books the supplier's answer, and unbooks it by cancelling
		REGIONAL: (N, N, N, N, N),
		GENERAL: (Y, N, Y, N, N),  # signs claims above the limit (an action, not a plain save)
		PORTAL: (N, N, N, N, N),
		VISIT_STAFF: (N, N, N, N, N),
	},
	"Reward and Penalty Entry": {
		AS_MANAGER: (Y, Y, Y, Y, Y),  # approves (submits) entries that do not fine them
		AS_USER: (Y, Y, Y, N, N),
		TECHNICIAN: (N, N, N, N, N),
		STOCK_USER: (N, N, N, N, N),
		ACCOUNTS_USER: (N, N, N, N, N),
		REGIONAL: (Y, N, N, N, N),
		GENERAL: (Y, N, N, N, N),
		PORTAL: (N, N, N, N, N),
		VISIT_STAFF: (N, N, N, N, N),
	},
	"Technician Daily Report": {
		AS_MANAGER: (Y, Y, Y, Y, Y),
		AS_USER: (Y, N, N, N, N),
		TECHNICIAN: (OWN, OWN, OWN, OWN, N),
		STOCK_USER: (N, N, N, N, N),
		ACCOUNTS_USER: (N, N, N, N, N),
		REGIONAL: (N, N, N, N, N),
		GENERAL: (N, N, N, N, N),
		PORTAL: (N, N, N, N, N),
		VISIT_STAFF: (N, N, N, N, N),
	},
	"After Sales Settings": {
		AS_MANAGER: (Y, N, Y, NA, NA),
		AS_USER: (Y, N, N, NA, NA),
		TECHNICIAN: (N, N, N, NA, NA),
		STOCK_USER: (N, N, N, NA, NA),
		ACCOUNTS_USER: (N, N, N, NA, NA),
		REGIONAL: (N, N, N, NA, NA),
		GENERAL: (N, N, N, NA, NA),
		PORTAL: (N, N, N, NA, NA),
		VISIT_STAFF: (N, N, N, NA, NA),
	},
}

OTHER_CUSTOMER = "_AS Matrix Other Customer"


def expected(doctype: str, role: str, operation: str) -> str:
	return MATRIX[doctype][role][OPERATIONS.index(operation)]


def unique(prefix: str) -> str:
	return f"{prefix} {frappe.generate_hash(length=8)}"


# ------------------------------------------------------------------ what a POST / PUT sends


def new_data(doctype: str, ctx, other: bool = False) -> dict:
	"""The body of a valid POST /api/resource/<doctype>. For a doctype a row-limited user may create
	(`own`), it is a record of that user's; `other` makes it someone else's."""
	if doctype == "Supplier Warranty Claim":
		# the labour of a warranty job of its own: a job's work is claimed once, ever
		job = make_repair_job(service_class="Warranty", parts=[], labour=[{"activity": "Matrix", "hours": 1}])
		return {"supplier": ctx.supplier, "company": TEST_COMPANY, "items": [{"repair_job": job.name}]}
	if doctype == "Reward and Penalty Entry":
		return {"employee": ctx.fined_employee, "rule": "Other", "amount": 10, "reason": "Late to site"}
	if doctype == "Complaint Record":
		return {"company": TEST_COMPANY, "customer": CUSTOMER, "subject": "Matrix", "channel": "Phone"}
	if doctype == "Complaint Category":
		return {"category_name": unique("_AS Matrix Category")}
	if doctype == "Escalation Policy":
		return {
			"policy_name": unique("_AS Matrix Policy"),
			"document_type": "Complaint Record",
			"enabled": 0,
			"reply_deadline_days": 15,
			"levels": [
				{
					"level_label": "Manager",
					"after_value": 1,
					"after_unit": "Days",
					"since": "Creation",
					"target_type": "Role",
					"target_role": AS_MANAGER,
				}
			],
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
			"reported_symptom": "Pump leaks",
		}
	if doctype == "Warranty Registration":
		return {
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"item_code": SPARE_PART,
			"start_date": nowdate(),
			"warranty_days": 365,
		}
	if doctype == "Maintenance Contract":
		values = contract_values(
			units=[{"item_code": SPARE_PART, "qty": 1}],
			team=[{"user": USERS[AS_MANAGER], "is_lead": 1}, {"user": USERS[AS_USER]}],
		)
		values.pop("doctype")
		return values
	if doctype == "Maintenance Contract Billing":
		return {
			"maintenance_contract": ctx.contract,
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"period_start": nowdate(),
			"period_end": add_days(nowdate(), 364),
			"amount": 1200,
			"status": "Pending",
		}
	if doctype == "Technician Performance Day":
		return {"day": nowdate(), "company": TEST_COMPANY, "technician": USERS[TECHNICIAN], "jobs": 1}
	if doctype == "Return Visit Day":
		return {"day": nowdate(), "company": TEST_COMPANY, "visit_kind": "Satisfaction Call", "due": 1}
	if doctype == "Complaint Day":
		return {
			"day": nowdate(),
			"company": TEST_COMPANY,
			"dimension": "Severity",
			"value": "Major",
			"complaints": 1,
		}
	if doctype == "After Sales Stale Day":  # named by its day: one far from others
		return {"day": add_days(nowdate(), 5000 + int(frappe.generate_hash(length=4), 16) % 40000)}
	if doctype == "Reminder Log":
		return {
			"kind": "Warranty Ending",
			"reference_doctype": "Warranty Registration",
			"reference_name": ctx.registration,
			"lead_days": 30,
			"sent_on": now_datetime(),
			"channel": "Email",
			"sent_to": "customer@example.com",
		}
	if doctype == "Return Visit":
		return {
			"visit_kind": "Satisfaction Call",
			"reference_doctype": "Repair Job",
			"reference_name": ctx.visited_job,
			"repair_job": ctx.visited_job,
			"technician": USERS[TECHNICIAN],
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"service_date": nowdate(),
			"due_date": add_days(nowdate(), 1),
			"last_day": add_days(nowdate(), 7),
			"contact_method": "Phone",
		}
	if doctype == "Technician Daily Report":
		technician = OTHER_TECHNICIAN if other else USERS[TECHNICIAN]
		return {
			"technician": technician,
			"report_date": free_day(technician),
			"company": TEST_COMPANY,
			"lines": [
				{"repair_job": ctx.dispatched[technician], "work_category": "On-site Repair", "hours": 1}
			],
		}
	if doctype == "After Sales Settings":
		return {}
	raise KeyError(doctype)


def free_day(technician: str) -> str:
	"""The latest past day on which `technician` has no daily report (one report a day)."""
	days_back = 1
	while frappe.db.exists(
		"Technician Daily Report", {"technician": technician, "report_date": add_days(nowdate(), -days_back)}
	):
		days_back += 1
	return add_days(nowdate(), -days_back)


def change(doc) -> dict:
	"""The body of a PUT /api/resource/<doctype>/<name>: a plain field the user can edit."""
	if doc.doctype in ("Complaint Record", "Complaint Category"):
		return {"description": unique("Checked")}
	if doc.doctype == "Escalation Policy":
		return {"priority": doc.priority + 1}
	if doc.doctype == "Product Warranty Claim":
		return {"symptom": unique("Seal leaks")}
	if doc.doctype == "Product Exchange":
		return {"reason": unique("Burnt out")}
	if doc.doctype == "Repair Job":
		return {"reported_symptom": unique("Pump leaks")}
	if doc.doctype == "Warranty Registration":
		# every field of a registration is fixed once saved: the PUT sends one back unchanged
		return {"qty": doc.qty}
	if doc.doctype == "Maintenance Contract":
		return {"scope": unique("Checked")}
	if doc.doctype == "Maintenance Contract Billing":
		# every field of a billing is the sweep's: the PUT sends one back unchanged
		return {"amount": doc.amount}
	if doc.doctype == "Reminder Log":
		return {"channel": unique("Email")}
	if doc.doctype == "Technician Performance Day":  # every field is the sweep's: sent back unchanged
		return {"jobs": doc.jobs}
	if doc.doctype == "Return Visit Day":  # every field is the sweep's: sent back unchanged
		return {"due": doc.due}
	if doc.doctype == "Complaint Day":
		return {"complaints": doc.complaints}
	if doc.doctype == "After Sales Stale Day":
		return {"day": doc.day}
	if doc.doctype == "Return Visit":
		return {"suggestions": unique("Call back")}
	if doc.doctype == "Technician Daily Report":
		return {"notes": unique("Checked")}
	if doc.doctype in ("Supplier Warranty Claim", "Reward and Penalty Entry"):
		return {"remarks" if doc.doctype == "Supplier Warranty Claim" else "reason": unique("Checked")}
	if doc.doctype == "After Sales Settings":
		return {"satisfaction_call_days": doc.satisfaction_call_days}
	raise KeyError(doc.doctype)


# ------------------------------------------------------------------ the REST handlers, as a user


def as_user(user: str, fn, *args, **kwargs):
	frappe.set_user(user)
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user("Administrator")


def rest_list(doctype: str, name: str) -> list[str]:
	return [row.name for row in frappe.client.get_list(doctype, filters={"name": name}, fields=["name"])]


def rest_get(doctype: str, name: str) -> dict:
	if frappe.get_meta(doctype).issingle:
		return frappe.client.get(doctype)
	return frappe.client.get(doctype, name)


def rest_create(doctype: str, data: dict):
	return frappe.new_doc(doctype, **data).insert()


def rest_update(doctype: str, name: str, data: dict | None = None):
	doc = frappe.get_doc(doctype, name, for_update=True)
	doc.update(data if data is not None else change(doc))
	doc.save()
	return doc


def rest_submit(doctype: str, name: str) -> dict:
	"""Submit as the desk does: a Product Exchange only by the final "Approve" of its workflow."""
	if doctype == "Product Exchange":
		return apply_workflow(frappe.as_json(frappe.get_doc(doctype, name).as_dict()), "Approve")
	return frappe.client.submit(frappe.get_doc(doctype, name).as_dict())


def client_submit(doctype: str, name: str) -> dict:
	return frappe.client.submit(frappe.get_doc(doctype, name).as_dict())


def refusals(doctype: str) -> tuple[type[Exception], ...]:
	"""What a refused submit raises: an exchange's workflow refuses an action the user's role lacks."""
	if doctype == "Product Exchange":
		return (frappe.PermissionError, WorkflowTransitionError, WorkflowPermissionError)
	return (frappe.PermissionError,)


def rest_cancel(doctype: str, name: str) -> dict:
	return frappe.client.cancel(doctype, name)


class TestRoleMatrix(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		cls.returns_warehouse = make_warehouse("_AS Returns")
		frappe.db.set_single_value("After Sales Settings", "returns_warehouse", cls.returns_warehouse)
		for role, user in USERS.items():
			make_user(user, [role], user_type="Website User" if role == PORTAL else "System User")
		make_user(OTHER_TECHNICIAN, [TECHNICIAN])
		activity_type()  # the daily reports' timesheets log their hours under it
		cls.dispatched = {}  # technician: a Repair Job dispatched to them, for their daily reports
		for technician in (USERS[TECHNICIAN], OTHER_TECHNICIAN):
			make_employee(technician)
			cls.dispatched[technician] = make_repair_job(
				parts=[], labour=[], technicians=[{"user": technician}]
			).name
		customer = frappe.get_doc("Customer", CUSTOMER)
		if USERS[PORTAL] not in [row.user for row in customer.get("portal_users")]:
			customer.append("portal_users", {"user": USERS[PORTAL]})
			customer.save(ignore_permissions=True)
		make_customer(OTHER_CUSTOMER)
		cls.faulty_serial, cls.replacement_serial = receive_serial_units(2)
		cls.supplier = make_supplier("_AS Matrix Supplier")
		cls.fined_employee = make_employee(make_user("as-matrix-fined@example.com", ["Employee"]))
		make_delivery_note(SERIAL_ITEM, 1, [cls.faulty_serial])
		cls.samples = cls.make_samples()

	def tearDown(self):
		frappe.set_user("Administrator")

	@classmethod
	def make_samples(cls) -> dict:
		"""One record of each doctype, made by Administrator: `own` is a row-limited user's, `other` is not."""
		category = rest_create("Complaint Category", new_data("Complaint Category", cls))
		policy = rest_create("Escalation Policy", new_data("Escalation Policy", cls))
		registration = rest_create("Warranty Registration", new_data("Warranty Registration", cls))
		cls.registration = registration.name
		cls.contract = rest_create("Maintenance Contract", new_data("Maintenance Contract", cls)).name
		cls.visited_job = make_repair_job(parts=[], labour=[]).name
		with app_write():  # as the app's sweeps make them
			app_made = {
				doctype: rest_create(doctype, new_data(doctype, cls)).name
				for doctype in (
					"Maintenance Contract Billing",
					"Reminder Log",
					"Return Visit",
					"Technician Performance Day",
					"Return Visit Day",
					"Complaint Day",
					"After Sales Stale Day",
				)
			}
		return {
			"Complaint Record": {
				"own": make_complaint(subject="The portal customer's").name,
				"other": make_complaint(subject="Another customer's", customer=OTHER_CUSTOMER).name,
			},
			"Complaint Category": {"own": category.name},
			"Escalation Policy": {"own": policy.name},
			"Product Warranty Claim": {"own": cls.draft("Product Warranty Claim")},
			"Product Exchange": {"own": cls.draft("Product Exchange")},
			"Repair Job": {
				"own": make_repair_job(parts=[], labour=[], technicians=[{"user": USERS[TECHNICIAN]}]).name,
				"other": make_repair_job(parts=[], labour=[]).name,
			},
			"Warranty Registration": {"own": registration.name},
			"Maintenance Contract": {"own": cls.contract},
			**{doctype: {"own": name} for doctype, name in app_made.items()},
			"Supplier Warranty Claim": {"own": cls.draft("Supplier Warranty Claim")},
			"Reward and Penalty Entry": {"own": cls.draft("Reward and Penalty Entry")},
			"Technician Daily Report": {
				"own": cls.draft("Technician Daily Report"),
				"other": cls.draft("Technician Daily Report", other=True),
			},
			"After Sales Settings": {"own": "After Sales Settings"},
		}

	@classmethod
	def draft(cls, doctype: str, other: bool = False) -> str:
		"""A draft ready to submit: a rejected claim, an exchange awaiting the General Manager (its
		earlier steps signed by other people), a contract, the technician's (or another's) report."""
		doc = rest_create(doctype, new_data(doctype, cls, other=other))
		if doctype == "Supplier Warranty Claim":  # signed, as approve() leaves it, ready to send
			doc.db_set({"status": "Approved", "first_approver": "Administrator"})
		if doctype == "Product Exchange":
			doc.db_set(
				{
					"workflow_state": "Pending General Manager",
					"handled_by": USERS[AS_USER],
					"regional_approved_by": USERS[REGIONAL],
					"office_verified_by": USERS[AS_MANAGER],
				}
			)
		return doc.name

	@classmethod
	def submitted(cls, doctype: str) -> str:
		name = cls.draft(doctype)
		if doctype == "Product Exchange":  # the General Manager signs the last step
			as_user(USERS[GENERAL], rest_submit, doctype, name)
		else:
			rest_submit(doctype, name)
		if doctype == "Technician Daily Report":  # a supervisor says why a report is returned
			frappe.db.set_value(doctype, name, "review_comment", "Matrix: returned")
		assert frappe.db.get_value(doctype, name, "docstatus") == 1, (doctype, name)
		return name

	# ------------------------------------------------------------ the matrix itself

	def test_every_doctype_of_the_module_is_in_the_matrix(self):
		doctypes = frappe.get_all(
			"DocType", filters={"module": "Aftersales Module", "istable": 0}, pluck="name"
		)
		missing = sorted(set(doctypes) - set(MATRIX))
		self.assertFalse(missing, f"add the intended permissions of {missing} to MATRIX")
		self.assertFalse(set(MATRIX) - set(doctypes), "MATRIX names a doctype the module does not have")

	def test_every_row_has_every_role_and_operation(self):
		for doctype, rows in MATRIX.items():
			self.assertEqual(set(rows), set(USERS), doctype)
			submittable = frappe.get_meta(doctype).is_submittable
			for role, cells in rows.items():
				self.assertEqual(len(cells), len(OPERATIONS), (doctype, role))
				self.assertEqual(
					{cells[3], cells[4]} == {NA}, not submittable, f"{doctype}, {role}: submit and cancel"
				)

	def test_read(self):
		for doctype in MATRIX:
			for role, user in USERS.items():
				with self.subTest(doctype=doctype, role=role, expected=expected(doctype, role, "read")):
					self.check_read(doctype, user, expected(doctype, role, "read"))

	def test_create(self):
		for doctype in MATRIX:
			for role, user in USERS.items():
				with self.subTest(doctype=doctype, role=role, expected=expected(doctype, role, "create")):
					data = new_data(doctype, self)
					if expected(doctype, role, "create") in (Y, OWN):
						doc = as_user(user, rest_create, doctype, data)
						self.assertTrue(frappe.db.exists(doctype, doc.name))
						self.assertEqual(doc.owner, user)
						if expected(doctype, role, "create") == OWN:  # but not someone else's
							with self.assertRaises(frappe.PermissionError):
								as_user(user, rest_create, doctype, new_data(doctype, self, other=True))
					else:
						with self.assertRaises(frappe.PermissionError):
							as_user(user, rest_create, doctype, data)

	def test_write(self):
		for doctype in MATRIX:
			for role, user in USERS.items():
				with self.subTest(doctype=doctype, role=role, expected=expected(doctype, role, "write")):
					self.check_write(doctype, user, expected(doctype, role, "write"))

	def test_submit(self):
		for doctype in self.submittable():
			refused = self.draft(doctype)
			for role, user in USERS.items():
				with self.subTest(doctype=doctype, role=role, expected=expected(doctype, role, "submit")):
					cell = expected(doctype, role, "submit")
					if cell in (Y, OWN):
						name = self.draft(doctype)
						if doctype == "Product Exchange":  # never past its approval chain
							with self.assertRaises(frappe.PermissionError):
								as_user(user, client_submit, doctype, name)
							self.assertEqual(frappe.db.get_value(doctype, name, "docstatus"), 0)
						as_user(user, rest_submit, doctype, name)
						self.assertEqual(frappe.db.get_value(doctype, name, "docstatus"), 1)
						if cell == OWN:  # but not someone else's
							other = self.draft(doctype, other=True)
							with self.assertRaises(refusals(doctype)):
								as_user(user, rest_submit, doctype, other)
							self.assertEqual(frappe.db.get_value(doctype, other, "docstatus"), 0)
					else:
						with self.assertRaises(refusals(doctype)):
							as_user(user, rest_submit, doctype, refused)
						self.assertEqual(frappe.db.get_value(doctype, refused, "docstatus"), 0)
						if doctype == "Product Exchange":  # nor by a plain submit
							with self.assertRaises(refusals(doctype)):
								as_user(user, client_submit, doctype, refused)
							self.assertEqual(frappe.db.get_value(doctype, refused, "docstatus"), 0)

	def test_cancel(self):
		for doctype in self.submittable():
			refused = self.submitted(doctype)
			for role, user in USERS.items():
				with self.subTest(doctype=doctype, role=role, expected=expected(doctype, role, "cancel")):
					self.assertIn(expected(doctype, role, "cancel"), (Y, N), "cancel is all or nothing")
					if expected(doctype, role, "cancel") == Y:
						name = self.submitted(doctype)
						as_user(user, rest_cancel, doctype, name)
						self.assertEqual(frappe.db.get_value(doctype, name, "docstatus"), 2)
					else:
						with self.assertRaises(frappe.PermissionError):
							as_user(user, rest_cancel, doctype, refused)
						self.assertEqual(frappe.db.get_value(doctype, refused, "docstatus"), 1)

	# ------------------------------------------------------------ one cell

	def submittable(self) -> list[str]:
		return [d for d in MATRIX if frappe.get_meta(d).is_submittable]

	def check_read(self, doctype: str, user: str, cell: str):
		sample = self.samples[doctype]
		single = frappe.get_meta(doctype).issingle
		if cell == N:
			with self.assertRaises(frappe.PermissionError):
				as_user(user, rest_get, doctype, sample["own"])
			if not single:
				with self.assertRaises(frappe.PermissionError):
					as_user(user, rest_list, doctype, sample["own"])
			return
		self.assertEqual(as_user(user, rest_get, doctype, sample["own"])["name"], sample["own"])
		if not single:
			self.assertEqual(as_user(user, rest_list, doctype, sample["own"]), [sample["own"]])
		if "other" not in sample:
			self.assertEqual(cell, Y, f"{doctype} has no record of someone else's to refuse")
			return
		if cell == Y:
			self.assertEqual(as_user(user, rest_list, doctype, sample["other"]), [sample["other"]])
			as_user(user, rest_get, doctype, sample["other"])
		else:
			self.assertEqual(as_user(user, rest_list, doctype, sample["other"]), [])
			with self.assertRaises(frappe.PermissionError):
				as_user(user, rest_get, doctype, sample["other"])

	def check_write(self, doctype: str, user: str, cell: str):
		sample = self.samples[doctype]
		if cell == N:
			with self.assertRaises(frappe.PermissionError):
				as_user(user, rest_update, doctype, sample["own"])
			return
		data = change(frappe.get_doc(doctype, sample["own"]))
		as_user(user, rest_update, doctype, sample["own"], data)
		doc = frappe.get_doc(doctype, sample["own"])
		self.assertEqual({f: doc.get(f) for f in data}, data)
		if "other" not in sample:
			self.assertEqual(cell, Y, f"{doctype} has no record of someone else's to refuse")
		elif cell == Y:
			as_user(user, rest_update, doctype, sample["other"])
		else:
			with self.assertRaises(frappe.PermissionError):
				as_user(user, rest_update, doctype, sample["other"])
