// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Complaint Record"] = {
	add_fields: ["status", "is_overdue", "escalation_level", "severity", "is_repeat"],
	has_indicator_for_draft: 1,
	formatters: {
		subject: (value) => frappe.utils.escape_html(value || ""),
		complainant_name: (value) => frappe.utils.escape_html(value || ""),
	},
	get_indicator(doc) {
		const finished = ["Resolved", "Return Visited", "Closed", "Invalid"].includes(doc.status);
		if (doc.is_overdue && !finished) {
			return [__("Overdue"), "red", "is_overdue,=,1"];
		}
		const colours = {
			Registered: "blue",
			Classified: "blue",
			Assigned: "purple",
			Investigating: "orange",
			"Solution Proposed": "yellow",
			Approved: "yellow",
			Agreed: "cyan",
			"In Execution": "cyan",
			Resolved: "green",
			"Return Visited": "green",
			Closed: "gray",
			Invalid: "gray",
			Reopened: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
