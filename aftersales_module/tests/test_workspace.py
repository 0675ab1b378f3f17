import json

import frappe
from frappe.desk.desktop import get_desktop_page, get_workspace_sidebar_items

from aftersales_module.tests.utils import AfterSalesTestCase, compile_translations, make_user


class TestAfterSalesWorkspace(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.user = make_user("as-ws-user@example.com", ["After Sales User"])
		cls.website_user = make_user("as-ws-web@example.com", [], user_type="Website User")
		cls.plain_desk_user = make_user("as-ws-desk@example.com", ["Sales User"])
		compile_translations()

	def tearDown(self):
		frappe.set_user("Administrator")

	def sidebar_names(self, user):
		frappe.set_user(user)
		return {page["name"] for page in get_workspace_sidebar_items()["pages"]}

	def test_after_sales_user_sees_and_opens_the_workspace(self):
		self.assertIn("After Sales", self.sidebar_names(self.user))
		page = frappe.get_cached_doc("Workspace", "After Sales")
		content = get_desktop_page(json.dumps({"name": page.name, "title": page.title, "public": 1}))
		links = [link.link_to for card in content["cards"]["items"] for link in card["links"]]
		self.assertIn("After Sales Settings", links)
		for target in ("Complaint Record", "Escalation Policy", "Complaint Statistics", "Complaint Aging"):
			self.assertIn(target, links)
		self.assertNotIn("Concealment Audit", links, "the concealment audit is for managers")
		cards = [card.number_card_name for card in content["number_cards"]["items"]]
		self.assertEqual(
			sorted(cards),
			[
				"Complaints Escalated Today",
				"Contracts Expiring in 90 Days",
				"Fines Awaiting Approval",
				"Open Complaints",
				"Overdue Complaints",
				"Overdue Contract Visits",
				"Return Visit Coverage",
				"Supplier Claims Awaiting Answer",
			],
		)
		for target in ("Maintenance Contract", "Renewal Rate", "Technician Daily Report", "Return Visit"):
			self.assertIn(target, links)
		for target in ("Repair Job", "Parts to Issue", "Product Warranty Claim", "Warranty Registration"):
			self.assertIn(target, links)
		for target in ("Supplier Warranty Claim", "Reward and Penalty Entry", "Reward and Penalty Summary"):
			self.assertIn(target, links)
		shortcuts = [s.link_to for s in content["shortcuts"]["items"]]
		self.assertIn("After Sales Settings", shortcuts)

	def test_users_without_an_after_sales_role_do_not_get_it(self):
		self.assertNotIn("After Sales", self.sidebar_names(self.plain_desk_user))
		self.assertNotIn("After Sales", self.sidebar_names(self.website_user))

	def test_workspace_title_is_translated(self):
		workspace = frappe.get_cached_value("Workspace", "After Sales", "label")
		self.assertEqual(frappe._(workspace, lang="zh"), "售后服务")
