// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

const CONTRACT_METHODS = "aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract";

frappe.ui.form.on("Maintenance Contract", {
	setup(frm) {
		frm.set_query("serial_no", "units", (doc, cdt, cdn) => {
			const row = locals[cdt][cdn];
			return { filters: row.item_code ? { item_code: row.item_code } : {} };
		});
		frm.set_query("site_address", "units", () => ({
			query: "frappe.contacts.doctype.address.address.address_query",
			filters: { link_doctype: "Customer", link_name: frm.doc.customer },
		}));
		frm.set_query("customer_contact", () => ({
			query: "frappe.contacts.doctype.contact.contact.contact_query",
			filters: { link_doctype: "Customer", link_name: frm.doc.customer },
		}));
	},

	refresh(frm) {
		if (frm.doc.docstatus === 1) {
			frm.dashboard.add_indicator(
				__("Billed {0} of {1}", [
					format_currency(frm.doc.billed_amount, frm.doc.currency),
					format_currency(frm.doc.planned_amount, frm.doc.currency),
				]),
				frm.doc.billed_amount >= frm.doc.planned_amount ? "green" : "orange"
			);
		}
		if (frm.doc.docstatus === 1 && !frm.doc.renewed_to && frm.doc.status !== "Cancelled") {
			frm.add_custom_button(__("Renew"), () => renew(frm, false), __("Create"));
			frm.add_custom_button(__("Renew with Quotation"), () => renew(frm, true), __("Create"));
		}
		if (frm.doc.docstatus === 1) {
			frm.add_custom_button(__("Move Visit"), () => move_visit(frm));
		}
	},
});

function renew(frm, with_quotation) {
	frappe.call({
		method: `${CONTRACT_METHODS}.renew`,
		args: { contract: frm.doc.name, with_quotation: with_quotation ? 1 : 0 },
		freeze: true,
		callback: (r) => r.message && frappe.set_route("Form", "Maintenance Contract", r.message),
	});
}

function move_visit(frm) {
	const open = (frm.doc.visits || []).filter((v) => ["Planned", "Due", "Overdue"].includes(v.status));
	if (!open.length) {
		frappe.msgprint(__("No visit of this contract is open"));
		return;
	}
	const dialog = new frappe.ui.Dialog({
		title: __("Move Visit"),
		fields: [
			{
				fieldname: "visit",
				label: __("Visit"),
				fieldtype: "Select",
				reqd: 1,
				options: open.map((v) => ({
					value: v.name,
					label: `${frappe.datetime.str_to_user(v.planned_date)} (${__(v.status)})`,
				})),
			},
			{ fieldname: "planned_date", label: __("New Date"), fieldtype: "Date", reqd: 1 },
			{ fieldname: "reason", label: __("Moved Because"), fieldtype: "Small Text", reqd: 1 },
		],
		primary_action_label: __("Reschedule"),
		primary_action(values) {
			frappe.call({
				method: `${CONTRACT_METHODS}.move_visit`,
				args: { contract: frm.doc.name, ...values },
				callback: () => {
					dialog.hide();
					frm.reload_doc();
				},
			});
		},
	});
	dialog.show();
}
