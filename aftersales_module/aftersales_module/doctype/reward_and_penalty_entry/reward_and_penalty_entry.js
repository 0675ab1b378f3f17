// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.ui.form.on("Reward and Penalty Entry", {
	setup(frm) {
		frm.set_query("employee", () => ({
			filters: frm.doc.company ? { company: frm.doc.company, status: "Active" } : { status: "Active" },
		}));
		frm.set_query("department", () => ({
			filters: frm.doc.company ? { company: frm.doc.company } : {},
		}));
	},

	refresh(frm) {
		const hrms = frm.doc.__onload && frm.doc.__onload.hrms_installed;
		if (
			hrms &&
			frm.doc.docstatus === 1 &&
			!frm.doc.additional_salary &&
			frappe.user.has_role("After Sales Manager")
		) {
			frm.add_custom_button(__("Make Additional Salary"), () => {
				frm.call("make_additional_salary").then((r) => {
					if (r.message) {
						frappe.show_alert({
							message: __("Additional Salary {0} created", [r.message]),
							indicator: "green",
						});
						frm.reload_doc();
					}
				});
			});
		}
		if (frm.doc.additional_salary && hrms) {
			frm.add_custom_button(__("Additional Salary"), () =>
				frappe.set_route("Form", "Additional Salary", frm.doc.additional_salary)
			);
		}
	},
});
