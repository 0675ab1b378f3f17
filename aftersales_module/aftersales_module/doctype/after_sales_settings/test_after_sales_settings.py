# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe

from aftersales_module.policy.settings import DEFAULT_DAYS
from aftersales_module.tests.utils import (
	OTHER_COMPANY,
	SERVICE_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	TEST_COMPANY_ABBR,
	AfterSalesTestCase,
	compile_translations,
	expense_account,
	make_user,
	make_warehouse,
	warehouse,
)

OUR_ROLES = ("After Sales Manager", "After Sales User", "Service Technician")


class TestAfterSalesSettings(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.manager = make_user("as-settings-manager@example.com", ["After Sales Manager"])
		cls.user = make_user("as-settings-user@example.com", ["After Sales User"])
		cls.technician = make_user("as-settings-tech@example.com", ["Service Technician"])
		cls.website_user = make_user("as-settings-web@example.com", [], user_type="Website User")
		compile_translations()

	def setUp(self):
		# Start each test from settings that name only the test company (the demo may have filled them).
		frappe.db.set_single_value(
			"After Sales Settings",
			{
				"default_company": TEST_COMPANY,
				"spare_parts_warehouse": None,
				"returns_warehouse": None,
				"warranty_expense_account": None,
				"labour_item": None,
				"alert_webhook_url": None,
			},
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	def settings(self, **values):
		doc = frappe.get_doc("After Sales Settings")
		doc.update(values)
		return doc

	def assertRejected(self, message_part: str, **values):
		before = frappe.db.get_singles_dict("After Sales Settings")
		with self.assertRaises(frappe.ValidationError) as caught:
			self.settings(**values).save()
		self.assertIn(message_part, str(caught.exception))
		self.assertEqual(frappe.db.get_singles_dict("After Sales Settings"), before, "nothing stored")

	def test_roles_are_installed_with_desk_access(self):
		for role in OUR_ROLES:
			self.assertEqual(frappe.db.get_value("Role", role, "desk_access"), 1, role)

	def test_defaults_come_from_the_source_procedures(self):
		stored = frappe.db.get_singles_dict("After Sales Settings")
		for fieldname, days in DEFAULT_DAYS.items():
			self.assertEqual(int(stored.get(fieldname)), days, fieldname)

	def test_valid_values_are_saved(self):
		doc = self.settings(
			default_company=TEST_COMPANY,
			spare_parts_warehouse=warehouse(),
			warranty_expense_account=expense_account(),
			labour_item=SERVICE_ITEM,
			alert_webhook_url=" https://hooks.example.com/aftersales ",
			# no DNS here: a host the System Manager allowed is not resolved
			webhook_allowed_hosts="hooks.example.com",
			first_return_visit_days=5,
		)
		doc.save()
		stored = frappe.db.get_singles_dict("After Sales Settings")
		self.assertEqual(stored.spare_parts_warehouse, warehouse())
		self.assertEqual(stored.labour_item, SERVICE_ITEM)
		self.assertEqual(stored.alert_webhook_url, "https://hooks.example.com/aftersales")
		self.assertEqual(int(stored.first_return_visit_days), 5)

	def test_warehouse_must_belong_to_the_company(self):
		self.assertRejected("belongs to", default_company=OTHER_COMPANY, spare_parts_warehouse=warehouse())

	def test_returns_warehouse_must_belong_to_the_company(self):
		self.assertRejected("belongs to", default_company=OTHER_COMPANY, returns_warehouse=warehouse())

	def test_van_warehouse_is_checked(self):
		van = make_warehouse("_AS Technician Van")
		base = {"default_company": TEST_COMPANY, "spare_parts_warehouse": warehouse()}
		self.assertRejected("Technician Van Warehouse", issue_parts_to_van=1, van_warehouse=None, **base)
		self.assertRejected("cannot be the Spare Parts Warehouse", van_warehouse=warehouse(), **base)
		self.assertRejected(
			"group or disabled", van_warehouse=f"All Warehouses - {TEST_COMPANY_ABBR}", **base
		)
		self.assertRejected(
			"belongs to", van_warehouse=make_warehouse("_AS Technician Van", company=OTHER_COMPANY), **base
		)
		frappe.db.set_value("Warehouse", van, "disabled", 1)
		try:
			self.assertRejected("group or disabled", van_warehouse=van, **base)
		finally:
			frappe.db.set_value("Warehouse", van, "disabled", 0)

	def test_van_mode_is_saved_and_restored(self):
		saved = {
			f: frappe.db.get_single_value("After Sales Settings", f)
			for f in ("issue_parts_to_van", "van_warehouse")
		}
		van = make_warehouse("_AS Technician Van")
		try:
			self.settings(spare_parts_warehouse=warehouse(), issue_parts_to_van=1, van_warehouse=van).save()
			stored = frappe.db.get_singles_dict("After Sales Settings")
			self.assertEqual((int(stored.issue_parts_to_van), stored.van_warehouse), (1, van))
		finally:
			frappe.db.set_single_value("After Sales Settings", saved)

	def test_discount_threshold_is_a_percentage(self):
		self.assertRejected("between 0 and 100", discount_approval_percent=120)

	def test_group_warehouse_is_rejected(self):
		self.assertRejected(
			"group or disabled",
			default_company=TEST_COMPANY,
			spare_parts_warehouse=f"All Warehouses - {TEST_COMPANY_ABBR}",
		)

	def test_account_must_be_an_expense_ledger_of_the_company(self):
		receivable = frappe.db.get_value(
			"Account", {"company": TEST_COMPANY, "account_type": "Receivable", "is_group": 0}
		)
		self.assertRejected(
			"Expense ledger", default_company=TEST_COMPANY, warranty_expense_account=receivable
		)
		self.assertRejected(
			"belongs to",
			default_company=TEST_COMPANY,
			warranty_expense_account=expense_account(OTHER_COMPANY),
		)

	def test_labour_item_must_be_a_service_item(self):
		self.assertRejected("non-stock", labour_item=SPARE_PART)

	def test_day_counts_are_bounded(self):
		self.assertRejected("between", repeat_complaint_window_days=0)
		self.assertRejected("cannot be later", satisfaction_call_days=10, first_return_visit_days=5)

	def test_webhook_url_must_be_http(self):
		self.assertRejected("http://", alert_webhook_url="ftp://example.com/hook")

	def test_company_must_come_first(self):
		self.assertRejected("Default Company", default_company=None, spare_parts_warehouse=warehouse())

	def test_unknown_link_is_rejected(self):
		self.assertRejected("Could not find", default_company="No Such Company Ltd")

	def test_error_messages_are_translated(self):
		frappe.local.lang = "zh"
		try:
			with self.assertRaises(frappe.ValidationError) as caught:
				self.settings(repeat_complaint_window_days=0).save()
		finally:
			frappe.local.lang = "en"
		self.assertIn("重复投诉", str(caught.exception))

	def test_roles_read_and_write_as_configured(self):
		frappe.set_user(self.user)
		self.assertTrue(frappe.has_permission("After Sales Settings", "read"))
		self.assertFalse(frappe.has_permission("After Sales Settings", "write"))
		with self.assertRaises(frappe.PermissionError):
			self.settings(first_return_visit_days=4).save()

		frappe.set_user(self.manager)
		self.assertTrue(frappe.has_permission("After Sales Settings", "write"))
		self.settings(first_return_visit_days=4).save()
		self.assertEqual(frappe.db.get_single_value("After Sales Settings", "first_return_visit_days"), 4)

		for user in (self.technician, self.website_user):
			frappe.set_user(user)
			self.assertFalse(frappe.has_permission("After Sales Settings", "read"), user)
