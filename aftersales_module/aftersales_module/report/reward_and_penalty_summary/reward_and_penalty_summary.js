// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company comes from public/js/aftersales_reports.bundle.js; the dates default to this year.
frappe.query_reports["Reward and Penalty Summary"] = {
	filters: aftersales_module.reports.filters(
		{ dates: false },
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today().slice(0, 4) + "-01-01",
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today().slice(0, 4) + "-12-31",
			reqd: 1,
		},
		{ fieldname: "employee", label: __("Employee"), fieldtype: "Link", options: "Employee" },
		{ fieldname: "department", label: __("Department"), fieldtype: "Link", options: "Department" }
	),
};
