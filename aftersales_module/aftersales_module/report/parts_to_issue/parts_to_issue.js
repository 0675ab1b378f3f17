// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company comes from public/js/aftersales_reports.bundle.js; the report has no date range.
frappe.query_reports["Parts to Issue"] = {
	filters: aftersales_module.reports.filters(
		{ dates: false },
		{
			fieldname: "warehouse",
			label: __("Warehouse"),
			fieldtype: "Link",
			options: "Warehouse",
		},
		{
			fieldname: "repair_job",
			label: __("Repair Job"),
			fieldtype: "Link",
			options: "Repair Job",
		}
	),
};
