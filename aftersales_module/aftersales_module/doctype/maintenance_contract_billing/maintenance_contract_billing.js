// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.ui.form.on("Maintenance Contract Billing", {
	refresh(frm) {
		if (frm.doc.status === "Cancelled" && frappe.model.can_create("Sales Invoice")) {
			frm.add_custom_button(__("Bill Again"), () => {
				frappe.call({
					method: "aftersales_module.tasks.contracts.bill_again",
					args: { billing: frm.doc.name },
					freeze: true,
					callback: (r) => r.message && frappe.set_route("Form", "Sales Invoice", r.message),
				});
			});
		}
	},
});
