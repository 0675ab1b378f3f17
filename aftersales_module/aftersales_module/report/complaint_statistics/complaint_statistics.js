// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company, From Date and To Date come from public/js/aftersales_reports.bundle.js.
frappe.query_reports["Complaint Statistics"] = {
	filters: aftersales_module.reports.filters(
		{ months: 6 },
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
		}
	),
};
