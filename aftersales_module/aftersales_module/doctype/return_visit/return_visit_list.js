// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Return Visit"] = {
	add_fields: ["status", "is_overdue", "visit_kind", "due_date"],
	formatters: {
		customer_name: (value) => frappe.utils.escape_html(value || ""),
	},
	get_indicator(doc) {
		if (doc.status === "Open" && doc.is_overdue) {
			return [__("Overdue"), "orange", "is_overdue,=,1|status,=,Open"];
		}
		const colours = { Open: "blue", Done: "green", Missed: "red" };
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
