// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Repair Job"] = {
	add_fields: ["status", "service_class"],
	get_indicator(doc) {
		const colors = {
			Open: "red",
			Dispatched: "blue",
			"In Progress": "orange",
			"Awaiting Parts": "yellow",
			Completed: "green",
			Invoiced: "purple",
			Closed: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
