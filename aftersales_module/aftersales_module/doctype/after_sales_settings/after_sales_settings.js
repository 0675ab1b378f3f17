// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.ui.form.on("After Sales Settings", {
	setup(frm) {
		["spare_parts_warehouse", "returns_warehouse", "van_warehouse"].forEach((fieldname) =>
			frm.set_query(fieldname, () => ({
				filters: { company: frm.doc.default_company, is_group: 0, disabled: 0 },
			}))
		);
		frm.set_query("warranty_expense_account", () => ({
			filters: {
				company: frm.doc.default_company,
				root_type: "Expense",
				is_group: 0,
				disabled: 0,
			},
		}));
		frm.set_query("labour_item", () => ({
			filters: { is_stock_item: 0, is_sales_item: 1, disabled: 0 },
		}));
	},

	default_company(frm) {
		frm.set_value("spare_parts_warehouse", null);
		frm.set_value("returns_warehouse", null);
		frm.set_value("van_warehouse", null);
		frm.set_value("warranty_expense_account", null);
	},
});
