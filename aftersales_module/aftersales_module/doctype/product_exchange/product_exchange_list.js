// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Product Exchange"] = {
	add_fields: ["workflow_state", "docstatus"],
	get_indicator(doc) {
		const colors = { Draft: "red", Approved: "green", Rejected: "gray", Cancelled: "red" };
		const state = doc.workflow_state || "Draft";
		return [__(state), colors[state] || "orange", "workflow_state,=," + state];
	},
};
