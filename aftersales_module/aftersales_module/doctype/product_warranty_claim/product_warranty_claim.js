// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.ui.form.on("Product Warranty Claim", {
	setup(frm) {
		frm.set_query("serial_no", () => ({
			filters: frm.doc.item_code ? { item_code: frm.doc.item_code } : {},
		}));
		frm.set_query("batch_no", () => ({
			filters: frm.doc.item_code ? { item: frm.doc.item_code } : {},
		}));
	},

	refresh(frm) {
		if (frm.doc.coverage) {
			const color = { "In Warranty": "green", "Under Contract": "blue", "Out of Warranty": "red" };
			frm.dashboard.set_headline_alert(
				`<span class="indicator ${color[frm.doc.coverage]}">${__(frm.doc.coverage)}</span>`
			);
		}
		frm.toggle_enable("goodwill_approved", frappe.user.has_role("After Sales Manager"));
		if (frm.doc.repair_job) {
			frm.add_custom_button(__("Repair Job"), () => frappe.set_route("Form", "Repair Job", frm.doc.repair_job));
		}
	},
});
