// Copyright (c) 2026, aftersales_module developers
// For license information, please see license.txt

const DRAFT_METHOD =
	"aftersales_module.aftersales_module.doctype.technician_daily_report.technician_daily_report.draft_my_report";

frappe.ui.form.on("Technician Daily Report", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.docstatus === 0 && frm.doc.technician === frappe.session.user) {
			frm.add_custom_button(__("Add the Day's Jobs"), () =>
				frappe
					.call({ method: DRAFT_METHOD, args: { report_date: frm.doc.report_date }, freeze: true })
					.then(() => frm.reload_doc())
			);
		}
		if (frm.doc.timesheet) {
			frm.add_custom_button(__("Timesheet"), () => frappe.set_route("Form", "Timesheet", frm.doc.timesheet));
		}
	},
});

frappe.ui.form.on("Technician Daily Report Line", {
	start_time: set_hours,
	end_time: set_hours,
});

function set_hours(frm, cdt, cdn) {
	const row = locals[cdt][cdn];
	if (row.start_time && row.end_time) {
		const hours = frappe.datetime.get_diff(row.end_time, row.start_time, "seconds") / 3600;
		if (hours > 0) frappe.model.set_value(cdt, cdn, "hours", Math.round(hours * 100) / 100);
	}
}
