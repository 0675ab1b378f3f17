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
			if (frappe.user.has_role(["System Manager", "After Sales Manager", "After Sales User"])) {
				frm.add_custom_button(__("Email Certificate"), () =>
					frappe.call({
						method: "aftersales_module.certificates.email_certificate",
						args: { registration: frm.doc.name },
						freeze: true,
						callback: (r) => {
							if (r.message?.status === "Queued") {
								frappe.show_alert({ message: __("Warranty certificate queued for sending"), indicator: "green" });
							} else if (r.message) {
								frappe.msgprint(r.message.error, __("Warranty certificate not sent"));
							}
							frm.reload_doc();
						},
					})
				);
			}
		}
	},
});
