// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company and dates come from public/js/aftersales_reports.bundle.js.
frappe.query_reports["Return Visit Coverage"] = {
	filters: aftersales_module.reports.filters(
		{ months: 12 },
		{
			fieldname: "visit_kind",
			label: __("Visit Kind"),
			fieldtype: "Select",
			options: [
				"",
				{ value: "Satisfaction Call", label: __("Satisfaction Call") },
				{ value: "First Follow-up", label: __("First Follow-up") },
				{ value: "Second Follow-up", label: __("Second Follow-up") },
			],
		},
		{ fieldname: "technician", label: __("Technician"), fieldtype: "Link", options: "User" }
	),
};
