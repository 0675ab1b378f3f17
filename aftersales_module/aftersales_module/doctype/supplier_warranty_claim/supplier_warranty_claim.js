// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

const CLAIM = "aftersales_module.aftersales_module.doctype.supplier_warranty_claim.supplier_warranty_claim";

frappe.ui.form.on("Supplier Warranty Claim", {
	setup(frm) {
		frm.set_query("repair_job", "items", () => ({
			filters: {
				company: frm.doc.company,
				service_class: ["in", ["Warranty", "Contract"]],
				status: ["in", ["Completed", "Invoiced", "Closed"]],
			},
		}));
	},
	refresh(frm) {
		const act = (label, method, confirm) =>
			frm.add_custom_button(label, () => {
				const run = () =>
					frappe.call({ method: `${CLAIM}.${method}`, args: { name: frm.doc.name }, freeze: true }).then(() =>
						frm.reload_doc()
					);
				confirm ? frappe.confirm(confirm, run) : run();
			});
		if (frm.doc.docstatus === 0 && !frm.is_new() && ["Draft", "Awaiting Second Approval"].includes(frm.doc.status)) {
			act(frm.doc.first_approver ? __("Second Approval") : __("Approve Claim"), "approve");
		}
		if (frm.doc.docstatus === 1) {
			if (!frm.doc.return_stock_entry && !frm.doc.return_purchase_receipt && frm.doc.items.some((r) => r.returned_sample)) {
				act(__("Send Samples"), "send_samples", __("Move the returned samples to the supplier now?"));
			}
			if (!frm.doc.debit_note && !frm.doc.journal_entry && frm.doc.status === "Claimed") {
				act(__("Book Recovery"), "book_recovery", __("Book what the supplier accepted now?"));
			}
		}
	},
});
