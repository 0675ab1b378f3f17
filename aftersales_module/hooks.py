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

after_install = "aftersales_module.install.after_install"
before_tests = "aftersales_module.tests.utils.before_tests"

permission_query_conditions = {
	"Complaint Record": "aftersales_module.aftersales_module.doctype.complaint_record.complaint_record.get_permission_query_conditions",
}
has_permission = {
	"Complaint Record": "aftersales_module.aftersales_module.doctype.complaint_record.complaint_record.has_permission",
}

scheduler_events = {
	"hourly_long": ["aftersales_module.escalation.sweep"],
}

fixtures = [
	{
		"dt": "Role",
		"filters": [["name", "in", ["After Sales Manager", "After Sales User", "Service Technician"]]],
	},
	{
		"dt": "Workflow State",
		"filters": [
			[
				"name",
				"in",
				[
					"Registered",
					"Classified",
					"Assigned",
					"Investigating",
					"Solution Proposed",
					"Approved",
					"Agreed",
					"In Execution",
					"Resolved",
					"Return Visited",
					"Closed",
					"Invalid",
					"Reopened",
				],
			]
		],
	},
	{
		"dt": "Workflow Action Master",
		"filters": [
			[
				"name",
				"in",
				[
					"Approve",
					"Assign",
					"Classify",
					"Close",
					"Customer Agrees",
					"Execute",
					"Investigate Again",
					"Mark Invalid",
					"Propose Solution",
					"Record Return Visit",
					"Reopen",
					"Resolve",
					"Send Back",
					"Start Investigation",
				],
			]
		],
	},
	{"dt": "Workflow", "filters": [["name", "in", ["Complaint Record Lifecycle"]]]},
]
