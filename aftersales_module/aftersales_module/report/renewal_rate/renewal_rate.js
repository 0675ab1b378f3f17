// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company, dates (on the contracts' end date) and customer come from public/js/aftersales_reports.bundle.js.
frappe.query_reports["Renewal Rate"] = {
	filters: aftersales_module.reports.filters(
		{ months: 12 },
		aftersales_module.reports.customer_filter(),
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Month", label: __("Month") },
				{ value: "Account Lead", label: __("Account Lead") },
			],
			default: "Month",
		}
	),
};
