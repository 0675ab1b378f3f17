// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

frappe.ui.form.on("Return Visit", {
	refresh(frm) {
		if (frm.doc.is_overdue && frm.doc.status === "Open") {
			frm.dashboard.set_headline_alert(__("This return visit is overdue"), "red");
		}
		if (frm.doc.status !== "Done" && !frm.is_new()) {
			frm.add_custom_button(__("Not Reached"), () => {
				frm.set_value("attempts", (frm.doc.attempts || 0) + 1);
				frm.set_value("reached", 0);
				frm.save();
			});
			if (frm.perm[0] && frm.perm[0].write) {
				frm.add_custom_button(__("Send Survey Link"), () => send_survey_link(frm));
				frm.add_custom_button(__("Survey on Site"), () => survey_on_site(frm));
			}
		}
	},
});

// The customer answers the survey on a signed link that expires (aftersales_module/survey.py).
function send_survey_link(frm) {
	frappe.prompt(
		[
			{
				fieldname: "via",
				fieldtype: "Select",
				label: __("Send By"),
				options: [
					{ value: "Email", label: __("Email") },
					{ value: "SMS", label: __("SMS") },
				],
				default: "Email",
				reqd: 1,
			},
		],
		({ via }) =>
			frappe
				.call({
					method: "aftersales_module.survey.send_survey_link",
					args: { visit: frm.doc.name, via },
					freeze: true,
				})
				.then(({ message }) => {
					if (message.status === "Queued") {
						frappe.show_alert({ message: __("Survey link queued"), indicator: "green" });
					} else {
						frappe.msgprint({
							title: __("Survey link not sent"),
							message: frappe.utils.escape_html(message.error || ""),
							indicator: "orange",
						});
					}
					frm.reload_doc();
				}),
		__("Send Survey Link"),
		__("Send")
	);
}

// On site: the customer scans the QR code (or opens the link) on their own phone and answers there.
function survey_on_site(frm) {
	frappe
		.call({ method: "aftersales_module.survey.survey_link", args: { visit: frm.doc.name }, freeze: true })
		.then(({ message }) => {
			const url = frappe.utils.escape_html(message.url);
			frappe.msgprint({
				title: __("Survey on Site"),
				message:
					`<div class="text-center"><img alt="QR" style="width: 240px" src="data:image/svg+xml;base64,${message.qr_svg}">` +
					`<p class="text-muted small">${__("The customer scans this code, or opens the link, on their own phone. It works once.")}</p>` +
					`<p><a href="${url}" target="_blank" rel="noopener">${url}</a></p></div>`,
			});
			frm.reload_doc();
		});
}
