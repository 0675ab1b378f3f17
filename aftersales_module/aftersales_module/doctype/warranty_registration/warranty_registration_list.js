// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Warranty Registration"] = {
	add_fields: ["status", "end_date"],
	get_indicator(doc) {
		const colors = { Active: "green", Expired: "gray", Void: "red" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
