// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.query_reports["Parts to Issue"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
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
		},
	],
};
