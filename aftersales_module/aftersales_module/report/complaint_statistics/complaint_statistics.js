// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.query_reports["Complaint Statistics"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -6),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Category", label: __("Category") },
				{ value: "Complaint Type", label: __("Complaint Type") },
				{ value: "Severity", label: __("Severity") },
				{ value: "Validity", label: __("Validity") },
				{ value: "Responsible Department", label: __("Responsible Department") },
				{ value: "Responsible Employee", label: __("Responsible Employee") },
				{ value: "Handler", label: __("Handler") },
				{ value: "Month", label: __("Month") },
				{ value: "Half-Year", label: __("Half-Year") },
			],
			default: "Category",
			reqd: 1,
		},
	],
};
