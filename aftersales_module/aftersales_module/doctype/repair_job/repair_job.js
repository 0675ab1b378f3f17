// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

const WORKING = ["Open", "Dispatched", "In Progress", "Awaiting Parts"];
const NEXT = {
	Open: ["Dispatched", "Closed"],
	Dispatched: ["In Progress", "Awaiting Parts", "Open", "Closed"],
	"In Progress": ["Awaiting Parts", "Completed", "Closed"],
	"Awaiting Parts": ["In Progress", "Completed", "Closed"],
	Completed: ["In Progress", "Closed"],
	Invoiced: ["Closed"],
	Closed: [],
};

frappe.ui.form.on("Repair Job", {
	setup(frm) {
		frm.set_query("serial_no", () => ({
			filters: frm.doc.item_code ? { item_code: frm.doc.item_code } : {},
		}));
		frm.set_query("item_code", "parts", () => ({ filters: { is_stock_item: 1, disabled: 0 } }));
		frm.set_query("service_item", "labour", () => ({
			filters: { is_stock_item: 0, is_sales_item: 1, disabled: 0 },
		}));
		frm.set_query("warehouse", "parts", () => ({
			filters: { company: frm.doc.company, is_group: 0, disabled: 0 },
		}));
	},

	refresh(frm) {
		if (frm.is_new()) return;
		const status = frm.doc.status;

		(NEXT[status] || []).forEach((next) => {
			frm.add_custom_button(
				__(next),
				() =>
					frappe
						.call({
							method: "aftersales_module.aftersales_module.doctype.repair_job.repair_job.set_status",
							args: { repair_job: frm.doc.name, status: next },
							freeze: true,
						})
						.then(() => frm.reload_doc()),
				__("Status")
			);
		});

		const parts_out = (frm.doc.parts || []).some(
			(row) => row.issued_qty - row.returned_qty - (row.consumed_qty || 0) > 0 && !row.is_used
		);
		const parts_due = (frm.doc.parts || []).some(
			(row) => row.qty - row.issued_qty + row.returned_qty > 0
		);
		if (WORKING.includes(status) && parts_due && frappe.model.can_create("Stock Entry")) {
			frm.add_custom_button(
				__("Issue Parts"),
				() => open_new(frm, "aftersales_module.aftersales_module.doctype.repair_job.parts.make_parts_issue", "Stock Entry"),
				__("Create")
			);
		}
		if ([...WORKING, "Completed"].includes(status) && parts_out && frappe.model.can_create("Stock Entry")) {
			frm.add_custom_button(
				__("Return Parts"),
				() => open_new(frm, "aftersales_module.aftersales_module.doctype.repair_job.parts.make_parts_return", "Stock Entry"),
				__("Create")
			);
		}
		if (status === "Completed" && frm.doc.service_class === "Paid" && frappe.model.can_create("Sales Invoice")) {
			frm.add_custom_button(
				__("Create Invoice"),
				() => open_new(frm, "aftersales_module.aftersales_module.doctype.repair_job.invoicing.make_sales_invoice", "Sales Invoice"),
				__("Create")
			);
		}
		if (status === "Completed" && !frm.doc.supervisor && frappe.user.has_role("After Sales Manager")) {
			frm.add_custom_button(__("Supervisor Check"), () =>
				frappe
					.call({
						method: "aftersales_module.aftersales_module.doctype.repair_job.repair_job.supervisor_check",
						args: { repair_job: frm.doc.name },
					})
					.then(() => frm.reload_doc())
			);
		}
		// Who pays is settled once the job leaves Open: only a manager changes it, with a reason.
		frm.set_df_property("service_class", "read_only", status !== "Open");
		if (status !== "Open" && !frm.doc.sales_invoice && frappe.user.has_role("After Sales Manager")) {
			frm.add_custom_button(__("Change Service Class"), () => change_service_class(frm));
		}
	},

	site_finding(frm) {
		if (frm.doc.site_finding && frm.doc.reported_symptom && frm.doc.site_finding !== frm.doc.reported_symptom) {
			frm.set_value("finding_differs", 1);
		}
	},
});

function change_service_class(frm) {
	frappe.prompt(
		[
			{
				fieldname: "service_class",
				label: __("Service Class"),
				fieldtype: "Select",
				options: [
					{ value: "Paid", label: __("Paid") },
					{ value: "Warranty", label: __("Warranty") },
					{ value: "Contract", label: __("Contract") },
					{ value: "Goodwill", label: __("Goodwill") },
				],
				default: frm.doc.service_class,
				reqd: 1,
			},
			{ fieldname: "reason", label: __("Reason"), fieldtype: "Small Text", reqd: 1 },
		],
		(values) =>
			frappe
				.call({
					method: "aftersales_module.aftersales_module.doctype.repair_job.repair_job.change_service_class",
					args: { repair_job: frm.doc.name, ...values },
					freeze: true,
				})
				.then(() => frm.reload_doc()),
		__("Change Service Class"),
		__("Change")
	);
}

function open_new(frm, method, doctype) {
	frappe.call({ method, args: { repair_job: frm.doc.name }, freeze: true }).then((r) => {
		if (r.message) frappe.set_route("Form", doctype, r.message);
	});
}
