// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company and dates come from public/js/aftersales_reports.bundle.js.
frappe.query_reports["Technician Performance"] = {
	filters: aftersales_module.reports.filters(
		{ months: 3 },
		{ fieldname: "technician", label: __("Technician"), fieldtype: "Link", options: "User" }
	),
};
