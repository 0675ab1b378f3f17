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
# maintenance contracts: link fields on Sales Invoice and Quotation, one job per contract visit;
# the return-visit Assignment Rule (a fixture) follows the users holding Return Visit Staff
after_migrate = [
	"aftersales_module.contract_coverage.after_migrate",
	"aftersales_module.tasks.return_visits.sync_assignment_users",
	# the Quality Procedure the key-part Non Conformances follow (tasks/key_parts.py)
	"aftersales_module.tasks.key_parts.after_migrate",
]
# the Exchange Form prints who signed each step and when (certificates.py)
jinja = {"methods": ["aftersales_module.certificates.exchange_signatures"]}
# Offer a Contract on a registration whose warranty ends; invoice what a contract does not cover
doctype_js = {
	"Warranty Registration": "public/js/warranty_registration_contract.js",
	"Repair Job": "public/js/repair_job_contract.js",
	# Customer 360: units, open cases, contracts, last ratings, grade (tasks/customers.py)
	"Customer": "public/js/customer_360.js",
}

doc_events = {
	"Stock Entry": {
		"validate": "aftersales_module.integrations.erpnext.stock_entry.validate",
		"before_validate": "aftersales_module.integrations.erpnext.stock_entry.before_validate",
		"before_submit": "aftersales_module.integrations.erpnext.stock_entry.before_submit",
		"on_submit": "aftersales_module.integrations.erpnext.stock_entry.on_submit",
		"before_cancel": "aftersales_module.integrations.erpnext.stock_entry.before_cancel",
		"on_cancel": "aftersales_module.integrations.erpnext.stock_entry.on_cancel",
	},
	"Delivery Note": {
		"on_submit": "aftersales_module.integrations.erpnext.delivery_note.on_submit",
		"on_cancel": "aftersales_module.integrations.erpnext.delivery_note.on_cancel",
	},
	"Sales Invoice": {
		"validate": [
			"aftersales_module.integrations.erpnext.sales_invoice.validate",
			"aftersales_module.contract_coverage.sales_invoice_validate",
		],
		"before_submit": "aftersales_module.integrations.erpnext.sales_invoice.before_submit",
		"on_submit": [
			"aftersales_module.integrations.erpnext.sales_invoice.on_submit",
			"aftersales_module.contract_coverage.sales_invoice_on_submit",
		],
		"on_cancel": [
			"aftersales_module.integrations.erpnext.sales_invoice.on_cancel",
			"aftersales_module.contract_coverage.sales_invoice_on_cancel",
		],
	},
	# a completed job or resolved complaint gets its return visits (tasks/return_visits.py)
	"Repair Job": {
		"on_update": [
			"aftersales_module.tasks.return_visits.on_repair_job_update",
			"aftersales_module.tasks.contracts.on_repair_job_update",
			"aftersales_module.tasks.day_totals.on_repair_job_update",
		],
		"on_trash": "aftersales_module.tasks.day_totals.on_repair_job_trash",
		# maintenance contracts: covering contract, service class, price, SLA deadlines
		"validate": "aftersales_module.contract_coverage.repair_job_validate",
	},
	# Technician Performance: a save that moves a day's figures marks the day stale
	"Return Visit": {
		"on_update": "aftersales_module.tasks.day_totals.on_return_visit_update",
		"on_trash": "aftersales_module.tasks.day_totals.on_return_visit_trash",
	},
	"Technician Daily Report": {
		"on_submit": "aftersales_module.tasks.day_totals.on_daily_report_change",
		"on_cancel": "aftersales_module.tasks.day_totals.on_daily_report_change",
	},
	"Employee": {"on_update": "aftersales_module.integrations.erpnext.employee.on_update"},
	"Product Warranty Claim": {"validate": "aftersales_module.contract_coverage.warranty_claim_validate"},
	"After Sales Settings": {
		"validate": "aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract.validate_settings"
	},
	"Complaint Record": {
		"on_update": [
			"aftersales_module.tasks.return_visits.on_complaint_update",
			# a complaint closed with company fault: fines for the responsible employee and head
			"aftersales_module.tasks.accountability.on_complaint_update",
			"aftersales_module.tasks.day_totals.on_complaint_update",
		],
		"on_trash": "aftersales_module.tasks.day_totals.on_complaint_trash",
	},
}

# Doctypes that escalate: dotted paths to their Escalatable (aftersales_module.escalation.registry).
aftersales_escalating = [
	"aftersales_module.aftersales_module.doctype.complaint_record.complaint_record.ESCALATION",
	"aftersales_module.contract_coverage.JOB_ESCALATION",
	"aftersales_module.aftersales_module.doctype.return_visit.return_visit.ESCALATION",
]

# the sweeps run at READ COMMITTED: no gap locks for users' saves to wait on (jobs.py)
before_job = ["aftersales_module.jobs.before_job"]

scheduler_events = {
	"hourly_long": [
		"aftersales_module.tasks.escalation.sweep",
		"aftersales_module.tasks.day_totals.refresh",
	],
	"daily": ["aftersales_module.tasks.warranty_expiry.mark_expired"],
	"daily_long": [
		"aftersales_module.tasks.return_visits.daily",
		"aftersales_module.tasks.daily_reports.draft_yesterday",
		"aftersales_module.tasks.contracts.daily",
		# fines drafted from concealment findings and penalised escalations (and missed closes)
		"aftersales_module.tasks.accountability.daily",
		"aftersales_module.tasks.supplier_claims.daily",
		"aftersales_module.tasks.key_parts.daily",
		"aftersales_module.tasks.customers.daily",
	],
	# end of the working day: draft every technician's daily report from the day's jobs
	"cron": {"0 20 * * *": ["aftersales_module.tasks.daily_reports.draft_today"]},
}

permission_query_conditions = {
	"Complaint Record": "aftersales_module.aftersales_module.doctype.complaint_record.complaint_record.get_permission_query_conditions",
	"Repair Job": "aftersales_module.aftersales_module.doctype.repair_job.repair_job.get_permission_query_conditions",
	"Technician Daily Report": "aftersales_module.aftersales_module.doctype.technician_daily_report.technician_daily_report.get_permission_query_conditions",
}
has_permission = {
	"Complaint Record": "aftersales_module.aftersales_module.doctype.complaint_record.complaint_record.has_permission",
	"Repair Job": "aftersales_module.aftersales_module.doctype.repair_job.repair_job.has_permission",
	"Technician Daily Report": "aftersales_module.aftersales_module.doctype.technician_daily_report.technician_daily_report.has_permission",
}

# Every record in fixtures/, by name; workflow states and actions as fixtures/workflow.json uses them.
fixtures = hook_fixtures()
