// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// The filters come from public/js/aftersales_reports.bundle.js.
frappe.query_reports["Exchange Ledger"] = {
	filters: aftersales_module.reports.filters(
		{},
		aftersales_module.reports.customer_filter(),
		aftersales_module.reports.item_filter()
	),
};
