// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company, dates, customer and item come from public/js/aftersales_reports.bundle.js. The dates
// default to the last month: a company's every warranty job, listed job by job, is more than a
// browser can show (600,000 rows at a million jobs, benchmarks/reports.py).
frappe.query_reports["Warranty Cost"] = {
	filters: aftersales_module.reports.filters(
		{ months: 1 },
		{
			fieldname: "service_class",
			label: __("Service Class"),
			fieldtype: "Select",
			options: ["", "Warranty", "Contract", "Goodwill"],
		},
		aftersales_module.reports.customer_filter(),
		aftersales_module.reports.item_filter(),
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Repair Job", label: __("Repair Job") },
				{ value: "Item", label: __("Item") },
				{ value: "Fault Cause", label: __("Fault Cause") },
				{ value: "Month", label: __("Month") },
				{ value: "Supplier", label: __("Supplier") },
			],
			default: "Repair Job",
		}
	),
};
