// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Company, From Date and To Date come from public/js/aftersales_reports.bundle.js.
frappe.query_reports["Complaint Aging"] = {
	filters: aftersales_module.reports.filters({ months: 12 }),
};
