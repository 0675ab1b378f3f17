// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.ui.form.on("Product Exchange", {
	setup(frm) {
		frm.set_query("faulty_serial_no", () => ({ filters: { item_code: frm.doc.item_code } }));
		frm.set_query("replacement_serial_no", () => ({
			filters: { item_code: frm.doc.item_code, warehouse: frm.doc.warehouse, status: "Active" },
		}));
		frm.set_query("warehouse", () => ({
			filters: { company: frm.doc.company, is_group: 0, disabled: 0 },
		}));
	},
});
