// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company comes from public/js/aftersales_reports.bundle.js. The report counts whole calendar
// months: by default the last 12, this one included.
frappe.query_reports["Key Part Failure Trend"] = {
	filters: aftersales_module.reports.filters(
		{ dates: false },
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			reqd: 1,
			// frappe.datetime.month_start() takes no date: it is this month's first day
			default: frappe.datetime.add_months(frappe.datetime.month_start(), -11),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "item_code",
			label: __("Key Part"),
			fieldtype: "Link",
			options: "Item",
			get_query: () => ({ filters: { is_key_part: 1 } }),
		},
		{
			fieldname: "over_threshold_only",
			label: __("Over Threshold Only"),
			fieldtype: "Check",
		}
	),
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "failure_rate" && data && data.over_threshold) {
			value = `<span style="color: var(--red-500); font-weight: bold">${value}</span>`;
		}
		return value;
	},
};
