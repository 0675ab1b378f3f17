"""Customer 360: the daily sweep grades each customer in SQL by the rule policy/customers.py states,
and the Customer dashboard shows only what the user may read."""

import frappe
from frappe.utils import add_days, flt, now_datetime, nowdate

from aftersales_module.policy import customers as policy
from aftersales_module.settings import get_settings
from aftersales_module.tasks.customers import customer_360, grade_customers
from aftersales_module.tests.contract_utils import make_contract, setup_contracts
from aftersales_module.tests.utils import (
	SERVICE_ITEM,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_complaint,
	make_customer,
	make_repair_job,
	make_user,
)

GRADED = "_AS Graded Customer"
QUIET = "_AS Quiet Customer"


class TestCustomer360(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_contracts()
		make_customer(GRADED)
		make_customer(QUIET)
		cls.as_user = make_user("as-c360-user@example.com", ["After Sales User"])
		cls.sales_only = make_user("as-c360-sales@example.com", ["Sales User"])
		cls.stranger = make_user("as-c360-stranger@example.com", ["Quality Manager"])  # no Customer read

	def setUp(self):
		frappe.db.savepoint("customer_360_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="customer_360_test")

	def make_history(self):
		invoice = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": TEST_COMPANY,
				"customer": GRADED,
				"items": [{"item_code": SERVICE_ITEM, "qty": 1, "rate": 20000}],
			}
		).insert(ignore_permissions=True)
		invoice.submit()
		make_contract(customer=GRADED)
		jobs = [make_repair_job(customer=GRADED, parts=[], labour=[]) for _i in range(2)]
		make_complaint(customer=GRADED)
		visit = frappe.get_doc(
			{
				"doctype": "Return Visit",
				"visit_kind": "Satisfaction Call",
				"reference_doctype": "Repair Job",
				"reference_name": jobs[0].name,
				"repair_job": jobs[0].name,
				"company": TEST_COMPANY,
				"customer": GRADED,
				"service_date": nowdate(),
				"due_date": add_days(nowdate(), 1),
			}
		)
		from aftersales_module.guard import app_write

		with app_write():  # as the return-visit sweep makes them
			visit.insert(ignore_permissions=True)
		# the visit was answered: Good on average (3 of 4)
		frappe.db.set_value("Return Visit", visit.name, {"average_rating": 3, "visited_on": now_datetime()})
		return invoice

	def standing(self, customer: str) -> policy.Standing:
		"""What the last year says of `customer`, read plainly from the records."""
		since = add_days(nowdate(), -365)
		bought = frappe.db.sql(
			"""select sum(base_grand_total) from `tabSales Invoice`
			where customer = %s and docstatus = 1 and is_return = 0 and posting_date > %s""",
			(customer, since),
		)[0][0]
		ratings = frappe.get_all(
			"Return Visit", filters={"customer": customer, "average_rating": (">", 0)}, pluck="average_rating"
		)
		return policy.Standing(
			purchase_value=flt(bought),
			has_contract=bool(
				frappe.db.exists(
					"Maintenance Contract",
					{"customer": customer, "docstatus": 1, "status": ("in", ("Active", "Expiring"))},
				)
			),
			return_count=frappe.db.count("Repair Job", {"customer": customer, "posting_date": (">", since)}),
			average_rating=sum(ratings) / len(ratings) if ratings else 0,
			complaint_count=frappe.db.count("Complaint Record", {"customer": customer}),
		)

	def test_the_sweep_scores_and_grades_as_the_rule_says(self):
		self.make_history()
		grade_customers()
		rules = policy.rules_with_defaults(get_settings())
		for customer in (GRADED, QUIET):
			standing = self.standing(customer)
			expected = policy.score(standing, rules)
			stored = frappe.db.get_value(
				"Customer", customer, ["aftersales_loyalty_score", "aftersales_grade", "aftersales_graded_on"]
			)
			self.assertAlmostEqual(stored[0], expected, places=1, msg=f"{customer}: {standing}")
			self.assertEqual(stored[1], policy.grade(expected, rules), customer)
			self.assertEqual(str(stored[2]), nowdate())
		graded = self.standing(GRADED)
		self.assertTrue(graded.has_contract and graded.return_count >= 2 and graded.complaint_count == 1)
		self.assertEqual(graded.purchase_value, 20000)
		self.assertGreater(
			frappe.db.get_value("Customer", GRADED, "aftersales_loyalty_score"),
			frappe.db.get_value("Customer", QUIET, "aftersales_loyalty_score"),
		)
		before = frappe.db.get_value("Customer", GRADED, ["aftersales_loyalty_score", "aftersales_grade"])
		grade_customers()  # run twice: the same values
		self.assertEqual(
			frappe.db.get_value("Customer", GRADED, ["aftersales_loyalty_score", "aftersales_grade"]), before
		)

	def test_the_settings_rules_move_the_grade(self):
		self.make_history()
		settings = frappe.get_doc("After Sales Settings")
		settings.update({"grade_a_score": 5, "grade_b_score": 3, "grade_c_score": 1})
		settings.save(ignore_permissions=True)
		grade_customers()
		self.assertEqual(frappe.db.get_value("Customer", GRADED, "aftersales_grade"), "A")
		settings.grade_weight_purchase = 90
		with self.assertRaises(frappe.ValidationError):
			settings.save(ignore_permissions=True)  # the weights no longer add up to 100

	def test_the_dashboard_shows_only_what_the_user_may_read(self):
		self.make_history()
		grade_customers()
		frappe.set_user(self.as_user)
		data = customer_360(GRADED)
		self.assertEqual(data["grade"], frappe.db.get_value("Customer", GRADED, "aftersales_grade"))
		self.assertEqual(data["open_complaints"], 1)
		self.assertGreaterEqual(data["open_jobs"], 2)
		self.assertEqual(len(data["contracts"]), 1)
		self.assertEqual([r.average_rating for r in data["ratings"]], [3])
		frappe.set_user(self.sales_only)  # reads customers, not after-sales records
		data = customer_360(GRADED)
		self.assertNotIn("open_complaints", data)
		self.assertNotIn("ratings", data)
		frappe.set_user(self.stranger)
		with self.assertRaises(frappe.PermissionError):
			customer_360(GRADED)
