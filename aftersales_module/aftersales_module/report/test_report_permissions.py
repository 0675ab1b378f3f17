"""Every script report of the app shows a user only the companies and customers their User
Permissions allow; a user without restrictions sees everything."""

import frappe
from frappe.desk.query_report import has_unrestricted_read_access
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, nowdate

from aftersales_module.aftersales_module.report.complaint_aging import complaint_aging
from aftersales_module.aftersales_module.report.complaint_statistics import complaint_statistics
from aftersales_module.aftersales_module.report.concealment_audit import concealment_audit
from aftersales_module.aftersales_module.report.exchange_ledger import exchange_ledger
from aftersales_module.aftersales_module.report.parts_to_issue import parts_to_issue
from aftersales_module.aftersales_module.report.warranty_cost import warranty_cost
from aftersales_module.policy.complaint import ACTIVE_STATUSES as ACTIVE_COMPLAINT_STATUSES
from aftersales_module.reports import permitted_values
from aftersales_module.tests.utils import (
	CUSTOMER,
	OTHER_COMPANY,
	SERIAL_ITEM,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_complaint,
	make_customer,
	make_repair_job,
	make_user,
	receive_serial_units,
	use_repair_settings,
)

OTHER_CUSTOMER = "_AS Test Customer 2"


def dates() -> dict:
	"""The last 60 days, on the test's clock (not the import's)."""
	return {"from_date": add_days(nowdate(), -60), "to_date": nowdate()}


COMPLAINT_REPORTS = (complaint_aging, complaint_statistics, concealment_audit)


def restrict(user: str, allow: str, value: str, applicable_for: str | None = None) -> None:
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": user,
			"allow": allow,
			"for_value": value,
			"apply_to_all_doctypes": 0 if applicable_for else 1,
			"applicable_for": applicable_for,
		}
	).insert(ignore_permissions=True)


def make_exchange(company: str, customer: str = CUSTOMER) -> str:
	"""An approved exchange as the ledger lists it. The approval chain, with its stock moves, has its
	own tests (test_product_exchange); here only the company and customer matter."""
	faulty, replacement = receive_serial_units(2)
	exchange = frappe.get_doc(
		{
			"doctype": "Product Exchange",
			"company": company,
			"customer": customer,
			"item_code": SERIAL_ITEM,
			"faulty_serial_no": faulty,
			"replacement_serial_no": replacement,
			"reason": "Motor burnt out",
		}
	).insert(ignore_permissions=True)
	exchange.db_set("docstatus", 1)
	return exchange.name


class TestReportPermissions(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		make_customer(OTHER_CUSTOMER)
		cls.manager = make_user("as-rp-manager@example.com", ["After Sales Manager"])
		cls.company_user = make_user("as-rp-company@example.com", ["After Sales Manager"])
		cls.customer_user = make_user("as-rp-customer@example.com", ["After Sales Manager"])
		cls.invoice_only_user = make_user("as-rp-invoices@example.com", ["After Sales Manager"])
		restrict(cls.company_user, "Company", TEST_COMPANY)
		restrict(cls.customer_user, "Customer", CUSTOMER)
		restrict(cls.invoice_only_user, "Company", TEST_COMPANY, applicable_for="Sales Invoice")

		# In both companies: complaints of both customers (one overdue each, for the concealment
		# audit), a warranty job with parts still to issue, and an approved exchange.
		cls.docs = {}
		for company in (TEST_COMPANY, OTHER_COMPANY):
			for customer in (CUSTOMER, OTHER_CUSTOMER):
				complaint = make_complaint(company=company, customer=customer)
				frappe.db.set_value("Complaint Record", complaint.name, "is_overdue", 1)
				job = make_repair_job(company=company, customer=customer, service_class="Warranty")
				cls.docs[company, customer] = {"job": job.name, "exchange": make_exchange(company, customer)}

	def tearDown(self):
		frappe.set_user("Administrator")

	def run_as(self, user, report, **filters):
		frappe.set_user(user)
		try:
			return report.execute(frappe._dict(filters))
		finally:
			frappe.set_user("Administrator")

	def rows(self, user, report, **filters):
		return self.run_as(user, report, **filters)[1]

	def names(self, user, report, key, **filters):
		return {row[key] for row in self.rows(user, report, **filters)}

	def listed(self, key, report, names, **filters):
		"""Which of the test's documents `names` (company, customer) -> name each user sees."""
		return {
			user: {where for where, name in names.items() if name in self.names(user, report, key, **filters)}
			for user in (self.manager, self.company_user, self.customer_user, self.invoice_only_user)
		}

	def test_every_role_of_a_report_reads_its_reference_doctype(self):
		"""Frappe's report runner drops every row for a user with User Permissions (as ERPNext gives an
		employee's user) unless the user has unrestricted read on the report's reference doctype: a
		role named on a report without it would see the report empty."""
		for report in frappe.get_all(
			"Report", filters={"module": "Aftersales Module"}, fields=["name", "ref_doctype"]
		):
			for role in frappe.get_all(
				"Has Role", filters={"parent": report.name, "parenttype": "Report"}, pluck="role"
			):
				user = make_user(f"as-rp-ref-{frappe.scrub(role).replace('_', '-')}@example.com", [role])
				self.assertTrue(
					has_unrestricted_read_access(report.ref_doctype, user),
					f"{role} may open {report.name} but not read {report.ref_doctype}",
				)

	def test_a_company_held_user_sees_the_rows_through_the_report_runner(self):
		"""The same through frappe.desk.query_report.run, as the desk calls it."""
		frappe.set_user(self.company_user)
		try:
			rows = run_report("Parts to Issue", filters={"company": TEST_COMPANY})["result"]
		finally:
			frappe.set_user("Administrator")
		jobs = {row["repair_job"] for row in rows if isinstance(row, dict)}
		self.assertIn(self.docs[TEST_COMPANY, CUSTOMER]["job"], jobs)

	def test_permitted_values_follow_applicable_for(self):
		self.assertEqual(permitted_values("Company", "Complaint Record", self.company_user), [TEST_COMPANY])
		self.assertIsNone(permitted_values("Company", "Complaint Record", self.manager))
		self.assertIsNone(permitted_values("Company", "Complaint Record", self.invoice_only_user))
		self.assertEqual(permitted_values("Company", "Sales Invoice", self.invoice_only_user), [TEST_COMPANY])

	def test_complaint_reports_show_only_the_permitted_company(self):
		for report in COMPLAINT_REPORTS:
			with self.subTest(report=report.__name__):
				everything = self.rows(self.manager, report, **dates())
				own = self.rows(self.manager, report, company=TEST_COMPANY, **dates())
				self.assertNotEqual(everything, own, "the other company has rows: the check means something")
				self.assertEqual(self.rows(self.company_user, report, **dates()), own)
				self.assertEqual(self.rows(self.invoice_only_user, report, **dates()), everything)
				self.assertEqual(self.rows(self.company_user, report, company=TEST_COMPANY, **dates()), own)

	def test_a_company_filter_outside_the_permission_returns_nothing(self):
		other = {"company": OTHER_COMPANY, **dates()}
		aging = self.rows(self.company_user, complaint_aging, **other)
		self.assertEqual(sum(row["open"] for row in aging), 0)
		self.assertEqual(self.rows(self.company_user, complaint_statistics, **other), [])
		self.assertEqual(self.rows(self.company_user, concealment_audit, **other), [])
		for report in (exchange_ledger, parts_to_issue, warranty_cost):
			with self.subTest(report=report.__name__):
				self.assertEqual(self.rows(self.company_user, report, company=OTHER_COMPANY), [])
				self.assertTrue(self.rows(self.manager, report, company=OTHER_COMPANY))

	def test_complaint_reports_show_only_the_permitted_customer(self):
		def count(user, **conditions):
			"""Complaints of the other company in the date range that `user` may see: the customer
			user sees their customer's and those naming no customer (Frappe's non-strict default)."""
			conditions.update(company=OTHER_COMPANY, registered_on=(">=", dates()["from_date"]))
			if user == self.manager:
				return frappe.db.count("Complaint Record", conditions)
			return frappe.db.count("Complaint Record", dict(conditions, customer=CUSTOMER)) + frappe.db.count(
				"Complaint Record", dict(conditions, customer=("is", "not set"))
			)

		filters = {"company": OTHER_COMPANY, **dates()}
		for user in (self.manager, self.customer_user):
			aging = self.rows(user, complaint_aging, **filters)
			statistics = self.rows(user, complaint_statistics, **filters)
			audit = self.rows(user, concealment_audit, **filters)
			self.assertEqual(
				sum(row["open"] for row in aging), count(user, status=("in", ACTIVE_COMPLAINT_STATUSES))
			)
			self.assertEqual(sum(row["count"] for row in statistics), count(user))
			self.assertEqual(sum(row["overdue"] for row in audit), count(user, is_overdue=1))
		self.assertLess(count(self.customer_user), count(self.manager), "the other customer has complaints")

	def test_document_reports_list_only_permitted_rows(self):
		jobs = {where: docs["job"] for where, docs in self.docs.items()}
		exchanges = {where: docs["exchange"] for where, docs in self.docs.items()}
		everywhere = set(self.docs)
		in_test_company = {where for where in everywhere if where[0] == TEST_COMPANY}
		of_customer = {where for where in everywhere if where[1] == CUSTOMER}
		expected = {
			self.manager: everywhere,
			self.company_user: in_test_company,
			self.customer_user: of_customer,
			self.invoice_only_user: everywhere,
		}
		for report, key, names in (
			(exchange_ledger, "name", exchanges),
			(parts_to_issue, "repair_job", jobs),
			(warranty_cost, "repair_job", jobs),
		):
			with self.subTest(report=report.__name__):
				self.assertEqual(self.listed(key, report, names), expected)

	def test_grouped_warranty_cost_counts_only_permitted_jobs(self):
		def jobs(user, **filters):
			return sum(row["jobs"] for row in self.rows(user, warranty_cost, group_by="Item", **filters))

		self.assertEqual(jobs(self.company_user), jobs(self.manager, company=TEST_COMPANY))
		self.assertGreater(jobs(self.manager), jobs(self.manager, company=TEST_COMPANY))

	def test_date_range_is_checked_by_every_dated_report(self):
		backwards = {"from_date": nowdate(), "to_date": add_days(nowdate(), -1)}
		for report in (*COMPLAINT_REPORTS, exchange_ledger, warranty_cost):
			with self.subTest(report=report.__name__):
				with self.assertRaises(frappe.ValidationError):
					report.execute(frappe._dict(backwards))
