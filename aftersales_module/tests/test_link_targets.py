"""A user holding only after-sales roles can pick the ERPNext masters our forms link to (select), and
no more; ERPNext's own roles keep what they had on those doctypes."""

import frappe
from frappe.desk.search import search_link

from aftersales_module.setup.install import LINK_TARGETS, grant_link_targets
from aftersales_module.tests.utils import CUSTOMER, TEST_COMPANY, AfterSalesTestCase, make_user


class TestLinkTargets(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		grant_link_targets()  # as install and the patch do; idempotent
		cls.user = make_user("as-lt-user@example.com", ["After Sales User"])
		cls.technician = make_user("as-lt-tech@example.com", ["Service Technician"])
		cls.stock_user = make_user("as-lt-stock@example.com", ["Stock User"])
		cls.accounts_user = make_user("as-lt-accounts@example.com", ["Accounts User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_after_sales_roles_select_what_their_forms_link_to(self):
		for user in (self.user, self.technician):
			for doctype in LINK_TARGETS:
				self.assertTrue(frappe.has_permission(doctype, "select", user=user), f"{user} {doctype}")
			# masters are read (the form fetches their values); people and money only selected
			self.assertTrue(frappe.has_permission("Customer", "read", user=user))
			self.assertTrue(frappe.has_permission("Serial No", "read", user=user))
			for doctype in ("Sales Invoice", "Delivery Note", "Employee"):
				self.assertFalse(frappe.has_permission(doctype, "read", user=user), f"{user} reads {doctype}")
			self.assertFalse(frappe.has_permission("Customer", "write", user=user))
		frappe.set_user(self.user)
		found = search_link("Customer", CUSTOMER, page_length=5)
		self.assertIn(CUSTOMER, [row["value"] for row in found])
		found = search_link("Company", TEST_COMPANY, page_length=5)
		self.assertIn(TEST_COMPANY, [row["value"] for row in found])

	def test_erpnext_roles_keep_their_permissions(self):
		self.assertTrue(frappe.has_permission("Serial No", "read", user=self.stock_user))
		self.assertTrue(frappe.has_permission("Sales Invoice", "create", user=self.accounts_user))
		self.assertTrue(frappe.has_permission("Customer", "read", user=self.accounts_user))
