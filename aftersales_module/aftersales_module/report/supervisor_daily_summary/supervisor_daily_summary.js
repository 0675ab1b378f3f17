// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company comes from public/js/aftersales_reports.bundle.js.
frappe.query_reports["Supervisor Daily Summary"] = {
	filters: aftersales_module.reports.filters(
		{ dates: false },
		{
			fieldname: "report_date",
			label: __("Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "supervisor",
			label: __("Supervisor"),
			fieldtype: "Link",
			options: "User",
			default: frappe.session.user,
		}
	),
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "report_status" && data && !data.report) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
