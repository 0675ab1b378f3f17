// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.listview_settings["Supplier Warranty Claim"] = {
	onload(listview) {
		listview.page.add_inner_button(__("Propose Claims"), () => {
			frappe
				.call({
					method: "aftersales_module.tasks.supplier_claims.propose_claims",
					freeze: true,
				})
				.then((r) => {
					frappe.show_alert({ message: __("{0} claims proposed", [(r.message || []).length]), indicator: "green" });
					listview.refresh();
				});
		});
	},
};
