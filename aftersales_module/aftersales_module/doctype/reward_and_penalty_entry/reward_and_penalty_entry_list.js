// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Reward and Penalty Entry"] = {
	add_fields: ["docstatus", "kind"],
	get_indicator(doc) {
		if (doc.docstatus === 2) {
			return [__("Cancelled"), "gray", "docstatus,=,2"];
		}
		if (doc.docstatus === 0) {
			return [__("Awaiting Approval"), "orange", "docstatus,=,0"];
		}
		return doc.kind === "Reward"
			? [__("Reward Approved"), "green", "docstatus,=,1|kind,=,Reward"]
			: [__("Fine Approved"), "red", "docstatus,=,1|kind,=,Fine"];
	},
};
