// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// A completed job under a maintenance contract: invoice what the contract does not cover
// (the labour under Parts Only, the parts under Labour Only).
frappe.ui.form.on("Repair Job", {
	refresh(frm) {
		if (frm.doc.sla_deadline && !["Completed", "Invoiced", "Closed"].includes(frm.doc.status)) {
			const label = frm.doc.status === "Open" && frm.doc.response_due ? __("Response Due") : __("Resolution Due");
			const escalated = frm.doc.escalation_level
				? ` · ${__("Escalated to level {0}", [frm.doc.escalation_level])}`
				: "";
			frm.dashboard.set_headline_alert(
				`<span class="indicator ${frm.doc.sla_overdue ? "red" : "blue"}">${label}: ${frappe.datetime.str_to_user(frm.doc.sla_deadline)}${escalated}</span>`
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
