// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.query_reports["Warranty Cost"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
		{
			fieldname: "service_class",
			label: __("Service Class"),
			fieldtype: "Select",
			options: ["", "Warranty", "Contract", "Goodwill"],
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Repair Job", label: __("Repair Job") },
				{ value: "Item", label: __("Item") },
				{ value: "Fault Cause", label: __("Fault Cause") },
				{ value: "Month", label: __("Month") },
			],
			default: "Repair Job",
		},
	],
};
