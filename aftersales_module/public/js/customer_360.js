// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

// Customer 360 (after sales): the customer's units, open cases, contracts, last ratings, grade and
// loyalty score, on the Customer form. Every value is escaped before it becomes HTML.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.call({
				method: "aftersales_module.tasks.customers.customer_360",
				args: { customer: frm.doc.name },
			})
			.then(({ message: data }) => {
				if (!data) return;
				const e = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
				const link = (doctype, name, label) =>
					`<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${e(label || name)}</a>`;
				const parts = [];
				parts.push(
					`<div><b>${__("Customer Grade")}:</b> ${e(data.grade || __("Not graded yet"))}` +
						(data.score != null && data.grade ? ` &middot; ${__("Loyalty Score")}: ${e(data.score)}` : "") +
						"</div>"
				);
				if (data.units) {
					const units = data.units
						.map((u) => `${link("Warranty Registration", u.name, u.serial_no || u.item_code)} (${e(frappe.datetime.str_to_user(u.end_date))})`)
						.join(", ");
					parts.push(`<div><b>${__("Units under Warranty")}:</b> ${e(data.unit_count)} ${units}</div>`);
				}
				if (data.open_complaints != null || data.open_jobs != null) {
					parts.push(
						`<div><b>${__("Open Cases")}:</b> ${__("Complaints")} ${e(data.open_complaints ?? "-")}, ${__("Repair Jobs")} ${e(data.open_jobs ?? "-")}</div>`
					);
				}
				if (data.contracts && data.contracts.length) {
					const contracts = data.contracts
						.map((c) => `${link("Maintenance Contract", c.name)} ${e(__(c.contract_type))} ${e(frappe.datetime.str_to_user(c.end_date))}`)
						.join(", ");
					parts.push(`<div><b>${__("Maintenance Contracts")}:</b> ${contracts}</div>`);
				}
				if (data.ratings && data.ratings.length) {
					const ratings = data.ratings
						.map((r) => `${link("Return Visit", r.name, frappe.datetime.str_to_user(r.visited_on))}: ${e(r.average_rating)}/4`)
						.join(", ");
					parts.push(`<div><b>${__("Last Ratings")}:</b> ${ratings}</div>`);
				}
				// in the After Sales Grade section of the form, which every reader of the customer sees
				// (the Dashboard tab shows only to those who may open its connections)
				const field = frm.get_field("aftersales_360");
				if (field) field.$wrapper.html(`<div class="aftersales-360">${parts.join("")}</div>`);
			});
	},
});
