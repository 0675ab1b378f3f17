// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Maintenance Contract Billing"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = { Pending: "orange", Invoiced: "green", Cancelled: "red" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
