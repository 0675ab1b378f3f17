// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.ui.form.on("Warranty Registration", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.status !== "Void") {
			frm.add_custom_button(__("Product Warranty Claim"), () =>
				frappe.new_doc("Product Warranty Claim", {
					company: frm.doc.company,
					customer: frm.doc.customer,
					item_code: frm.doc.item_code,
					serial_no: frm.doc.serial_no,
				})
			, __("Create"));
		}
	},
});
