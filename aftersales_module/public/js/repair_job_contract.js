// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// A completed job under a maintenance contract: invoice what the contract does not cover
// (the labour under Parts Only, the parts under Labour Only).
frappe.ui.form.on("Repair Job", {
	refresh(frm) {
		if (frm.doc.response_due && !["Completed", "Invoiced", "Closed"].includes(frm.doc.status)) {
			frm.dashboard.set_headline_alert(
				`<span class="indicator ${frm.doc.sla_overdue ? "red" : "blue"}">${__("Response Due")}: ${frappe.datetime.str_to_user(frm.doc.response_due)}</span>`
			);
		}
		if (
			frm.doc.service_class === "Contract" &&
			frm.doc.maintenance_contract &&
			frm.doc.status === "Completed" &&
			frm.doc.total_price > 0 &&
			frappe.model.can_create("Sales Invoice")
		) {
			frm.add_custom_button(__("Invoice Charges Not Covered"), () => {
				frappe.call({
					method: "aftersales_module.contract_coverage.make_contract_invoice",
					args: { repair_job: frm.doc.name },
					freeze: true,
					callback: (r) => r.message && frappe.set_route("Form", "Sales Invoice", r.message),
				});
			});
		}
	},
});
