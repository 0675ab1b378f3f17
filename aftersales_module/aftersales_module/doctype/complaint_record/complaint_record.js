// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

const CLOSED_STATES = ["Resolved", "Return Visited", "Closed", "Invalid"];
// Stored verbatim (ignore_xss_filter), so always shown escaped.
const VERBATIM_FIELDS = ["subject", "complainant_name", "address", "validity_reason", "description", "customer_demand", "witness_evidence", "proposed_solution", "customer_feedback", "reward_penalty", "corrective_action"];

function show_escaped(value) {
	const text = String(value ?? "").replace(/<br>/g, "\n");
	return frappe.utils.escape_html(text).replace(/\n/g, "<br>");
}

frappe.ui.form.on("Complaint Record", {
	setup(frm) {
		const fields = frappe.meta.docfield_map["Complaint Record"] || {};
		for (const fieldname of VERBATIM_FIELDS) {
			if (fields[fieldname]) fields[fieldname].formatter = show_escaped;
		}
		frm.set_query("serial_no", () => ({
			filters: Object.assign(
				{},
				frm.doc.item_code ? { item_code: frm.doc.item_code } : {},
				frm.doc.customer ? { customer: ["in", [frm.doc.customer, ""]] } : {}
			),
		}));
		frm.set_query("batch_no", () => ({
			filters: frm.doc.item_code ? { item: frm.doc.item_code } : {},
		}));
		for (const fieldname of ["delivery_note", "sales_invoice"]) {
			frm.set_query(fieldname, () => ({
				filters: Object.assign(
					{ docstatus: 1 },
					frm.doc.customer ? { customer: frm.doc.customer } : {}
				),
			}));
		}
		frm.set_query("responsible_employee", () => ({
			filters: frm.doc.company ? { company: frm.doc.company, status: "Active" } : {},
		}));
	},

	refresh(frm) {
		const open = !frm.is_new() && !CLOSED_STATES.includes(frm.doc.status);
		if (frm.doc.is_overdue && open) {
			frm.dashboard.set_headline_alert(
				__("Overdue: the reply deadline {0} has passed", [
					frappe.datetime.str_to_user(frm.doc.deadline),
				]),
				"red"
			);
		} else if (frm.doc.is_repeat && frm.doc.repeat_of) {
			frm.dashboard.set_headline_alert(
				__("Repeat complaint: the same customer complained about this unit in {0}", [
					frm.doc.repeat_of,
				]),
				"orange"
			);
		}
		if (open && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Escalate"), () => escalate(frm));
		}
		if (!frm.is_new() && frm.doc.status !== "Invalid") {
			const from_complaint = {
				company: frm.doc.company,
				customer: frm.doc.customer,
				item_code: frm.doc.item_code,
				serial_no: frm.doc.serial_no,
				complaint: frm.doc.name,
			};
			if (frappe.model.can_create("Product Warranty Claim")) {
				frm.add_custom_button(
					__("Product Warranty Claim"),
					() =>
						frappe.new_doc("Product Warranty Claim", {
							...from_complaint,
							batch_no: frm.doc.batch_no,
							symptom: frm.doc.description || frm.doc.subject,
						}),
					__("Create")
				);
			}
			if (frappe.model.can_create("Repair Job")) {
				frm.add_custom_button(
					__("Repair Job"),
					() =>
						frappe.new_doc("Repair Job", {
							...from_complaint,
							reported_symptom: frm.doc.description || frm.doc.subject,
						}),
					__("Create")
				);
			}
		}
	},
});

function escalate(frm) {
	frappe.prompt(
		{
			fieldname: "reason",
			fieldtype: "Small Text",
			label: __("Why is this complaint escalated?"),
			reqd: 1,
		},
		({ reason }) => {
			frm.call("escalate", { reason }).then((r) => {
				frappe.show_alert({
					message: __("Escalated to level {0}", [r.message]),
					indicator: "orange",
				});
				frm.reload_doc();
			});
		},
		__("Escalate"),
		__("Escalate")
	);
}
