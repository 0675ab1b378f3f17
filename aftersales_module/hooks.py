from aftersales_module.setup.fixtures import hook_fixtures

app_name = "aftersales_module"
app_title = "After Sales"
app_publisher = "aftersales_module developers"
app_description = "After-sales service for ERPNext: complaints, warranty, repairs, contracts, return visits"
app_email = "dev@aftersales.invalid"
app_license = "mit"
app_icon = "tool"
app_color = "#2490EF"

required_apps = ["frappe/erpnext"]
require_type_annotated_api_methods = True
# shared script-report filters; verbatim text shown escaped across the desk
app_include_js = ["aftersales_reports.bundle.js", "aftersales_desk.bundle.js"]

after_install = "aftersales_module.setup.install.after_install"
before_uninstall = "aftersales_module.setup.install.before_uninstall"
before_tests = "aftersales_module.tests.utils.before_tests"

doc_events = {
	"Stock Entry": {
		"validate": "aftersales_module.integrations.erpnext.stock_entry.validate",
		"on_submit": "aftersales_module.integrations.erpnext.stock_entry.on_submit",
		"before_cancel": "aftersales_module.integrations.erpnext.stock_entry.before_cancel",
		"on_cancel": "aftersales_module.integrations.erpnext.stock_entry.on_cancel",
	},
	"Delivery Note": {
		"on_submit": "aftersales_module.integrations.erpnext.delivery_note.on_submit",
		"on_cancel": "aftersales_module.integrations.erpnext.delivery_note.on_cancel",
	},
	"Sales Invoice": {
		"validate": "aftersales_module.integrations.erpnext.sales_invoice.validate",
		"before_submit": "aftersales_module.integrations.erpnext.sales_invoice.before_submit",
		"on_submit": "aftersales_module.integrations.erpnext.sales_invoice.on_submit",
		"on_cancel": "aftersales_module.integrations.erpnext.sales_invoice.on_cancel",
	},
}

# Doctypes that escalate: dotted paths to their Escalatable (aftersales_module.escalation.registry).
aftersales_escalating = [
	"aftersales_module.aftersales_module.doctype.complaint_record.complaint_record.ESCALATION",
]

scheduler_events = {
	"hourly_long": ["aftersales_module.tasks.escalation.sweep"],
	"daily": ["aftersales_module.tasks.warranty_expiry.mark_expired"],
}

permission_query_conditions = {
	"Complaint Record": "aftersales_module.aftersales_module.doctype.complaint_record.complaint_record.get_permission_query_conditions",
	"Repair Job": "aftersales_module.aftersales_module.doctype.repair_job.repair_job.get_permission_query_conditions",
}
has_permission = {
	"Complaint Record": "aftersales_module.aftersales_module.doctype.complaint_record.complaint_record.has_permission",
	"Repair Job": "aftersales_module.aftersales_module.doctype.repair_job.repair_job.has_permission",
}

# Every record in fixtures/, by name; workflow states and actions as fixtures/workflow.json uses them.
fixtures = hook_fixtures()
