// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Product Warranty Claim"] = {
	add_fields: ["status", "coverage"],
	get_indicator(doc) {
		const colors = {
			Draft: "red",
			"In Repair": "orange",
			"In Exchange": "orange",
			Credited: "blue",
			Rejected: "gray",
			Cancelled: "red",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
