// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Maintenance Contract"] = {
	add_fields: ["status", "contract_type", "end_date"],
	get_indicator(doc) {
		const colors = {
			Draft: "red",
			Active: "green",
			Expiring: "orange",
			Expired: "gray",
			Renewed: "blue",
			Cancelled: "red",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
