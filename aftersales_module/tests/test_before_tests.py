"""The before_tests hook sets up only for runs of this app's tests: Frappe calls every installed app's
hook for `run-tests --module/--doctype`, and ERPNext's runs must stay as on a site without this app."""

import click
import frappe

from aftersales_module.tests.utils import AfterSalesTestCase, before_tests, runs_this_app


class TestBeforeTests(AfterSalesTestCase):
	def test_runs_of_this_app_get_the_setup(self):
		for params in (
			{"app": "aftersales_module"},
			{"module": "aftersales_module.tests.test_role_matrix"},
			{"doctype": "Repair Job"},
			{"module_def": "Aftersales Module"},
			{"doctype_list_path": "aftersales_module/tests/doctypes.txt"},
		):
			with self.subTest(params=params):
				self.assertTrue(runs_this_app(params))

	def test_other_apps_runs_do_not(self):
		for params in (
			{"app": "erpnext"},
			{"module": "erpnext.stock.doctype.delivery_note.test_delivery_note"},
			{"doctype": "Delivery Note"},
			{"doctype": "No Such DocType"},
			{"module_def": "Stock"},
			{"doctype_list_path": "erpnext/tests/doctypes.txt"},
			{"app": None, "module": None, "doctype": None, "module_def": None},
		):
			with self.subTest(params=params):
				self.assertFalse(runs_this_app(params))

	def test_the_hook_leaves_an_erpnext_run_alone(self):
		"""Through the hook itself, as `bench run-tests --module erpnext…` calls it."""
		command = click.Command("run-tests")
		params = {"app": None, "module": "erpnext.stock.doctype.delivery_note.test_delivery_note"}
		previous = frappe.flags.skip_test_records
		frappe.flags.skip_test_records = False
		try:
			with click.Context(command) as context:
				context.params = params
				self.assertFalse(runs_this_app())
				before_tests()
				self.assertFalse(frappe.flags.skip_test_records)
				context.params = {**params, "module": "aftersales_module.tests.test_before_tests"}
				self.assertTrue(runs_this_app())
		finally:
			frappe.flags.skip_test_records = previous
