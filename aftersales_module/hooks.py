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

fixtures = [
	{
		"dt": "Role",
		"filters": [["name", "in", ["After Sales Manager", "After Sales User", "Service Technician"]]],
	},
]
