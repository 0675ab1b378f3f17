// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// The filters the After Sales script reports share, defined once (HRMS shares its salary-slip
// report filters the same way). hooks.py loads this bundle into the desk (app_include_js), so a
// report's script only names what it needs:
//
//   frappe.query_reports["Complaint Aging"] = {
//   	filters: aftersales_module.reports.filters({ months: 12 }),
//   };
//
// Each call returns new filter objects, so defaults are computed when the report opens.

frappe.provide("aftersales_module.reports");

Object.assign(aftersales_module.reports, {
	company_filter() {
		return {
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		};
	},

	// From Date and To Date. With `months`, both are required and cover the last `months` months
	// up to today; without, both start empty and the report covers every date.
	date_filters(months) {
		const today = frappe.datetime.get_today();
		const from = months
			? { default: frappe.datetime.add_months(today, -months), reqd: 1 }
			: {};
		const to = months ? { default: today, reqd: 1 } : {};
		return [
			{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", ...from },
			{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", ...to },
		];
	},

	customer_filter() {
		return {
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "Customer",
		};
	},

	item_filter() {
		return { fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" };
	},

	// Company, then From/To Date (unless `dates` is false), then the report's own filters.
	filters({ dates = true, months = 0 } = {}, ...own) {
		return [
			aftersales_module.reports.company_filter(),
			...(dates ? aftersales_module.reports.date_filters(months) : []),
			...own,
		];
	},
});
