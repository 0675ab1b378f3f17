// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Technician Daily Report"] = {
	add_fields: ["workflow_state", "docstatus"],
	has_indicator_for_draft: 1,
	get_indicator(doc) {
		const colours = { Draft: "red", Submitted: "blue", Approved: "green", Returned: "orange" };
		const state = doc.workflow_state || "Draft";
		return [__(state), colours[state] || "gray", "workflow_state,=," + state];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Draft My Report"), () =>
			frappe
				.call({
					method: "aftersales_module.aftersales_module.doctype.technician_daily_report.technician_daily_report.draft_my_report",
					freeze: true,
				})
				.then((r) => r.message && frappe.set_route("Form", "Technician Daily Report", r.message))
		);
	},
};
