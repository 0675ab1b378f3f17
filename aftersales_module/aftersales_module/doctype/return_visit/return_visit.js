// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.ui.form.on("Return Visit", {
	refresh(frm) {
		if (frm.doc.is_overdue && frm.doc.status === "Open") {
			frm.dashboard.set_headline_alert(__("This return visit is overdue"), "red");
		}
		if (frm.doc.status !== "Done" && !frm.is_new()) {
			frm.add_custom_button(__("Not Reached"), () => {
				frm.set_value("attempts", (frm.doc.attempts || 0) + 1);
				frm.set_value("reached", 0);
				frm.save();
			});
		}
	},
});
