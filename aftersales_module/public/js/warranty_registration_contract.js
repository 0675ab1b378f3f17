// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Offer a Contract: draft a Quotation for a maintenance contract on a unit whose warranty ends.
frappe.ui.form.on("Warranty Registration", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status === "Void" || !frappe.model.can_create("Quotation")) {
			return;
		}
		frm.add_custom_button(__("Offer a Contract"), () => {
			frappe.call({
				method: "aftersales_module.tasks.contracts.offer_contract",
				args: { warranty_registration: frm.doc.name },
				freeze: true,
				callback: (r) => r.message && frappe.set_route("Form", "Quotation", r.message),
			});
		});
	},
});
