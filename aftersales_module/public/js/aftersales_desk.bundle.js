// Text fields stored verbatim (ignore_xss_filter) hold what the user typed, markup included. Show
// them escaped wherever the desk formats a value of this module's doctypes: Report View, grids,
// dashboards and list columns without a formatter of their own (the forms set their own).
const VERBATIM_TYPES = ["Data", "Small Text", "Text", "Long Text"];
const MODULE = "Aftersales Module";

function is_verbatim(df, value) {
	if (!df || df.formatter || !df.ignore_xss_filter || typeof value !== "string") return false;
	if (!VERBATIM_TYPES.includes(df.fieldtype)) return false;
	const meta = df.parent && frappe.get_meta(df.parent);
	return Boolean(meta && meta.module === MODULE);
}

// A Link to a translated doctype (a workflow state: Draft, Approved ...) is shown translated by
// Frappe only to users who may read that doctype; a technician saw "Draft" on a zh desk. Translate
// it for everyone on this module's doctypes.
function is_untranslated_link(df, value) {
	if (!df || df.fieldtype !== "Link" || typeof value !== "string" || !value) return false;
	if (!(frappe.boot?.translated_doctypes || []).includes(df.options)) return false;
	if (frappe.model.can_read(df.options)) return false; // Frappe links and translates it
	const meta = df.parent && frappe.get_meta(df.parent);
	return Boolean(meta && meta.module === MODULE);
}

const format = frappe.format;
frappe.format = function (value, df, options, doc) {
	if (is_untranslated_link(df, value)) {
		return frappe.utils.escape_html(__(value));
	}
	if (is_verbatim(df, value)) {
		const escaped = frappe.utils.escape_html(value).replace(/\n/g, "<br>");
		return format(escaped, { ...df, fieldtype: "Data", ignore_xss_filter: 0 }, options, doc);
	}
	return format(value, df, options, doc);
};

// Frappe v15's Report View writes a linked record's title into the page as HTML
// (views/reports/report_view.js, set_link_title_field_value), so a Complaint Record's subject would
// run as markup in the ID column. Write titles as text. Report View loads lazily: patch the class
// when it is defined.
function text_link_titles(ReportView) {
	ReportView.prototype.set_link_title_field_value = function () {
		Object.keys(this.link_title_doctype_fields).forEach(async (key) => {
			const title = await this.get_link_title_field_value(this.link_title_doctype_fields[key], key);
			if (title === undefined) return;
			document.querySelectorAll(`a[data-name="${CSS.escape(key)}"]`).forEach((el) => {
				el.textContent = title;
			});
		});
	};
	return ReportView;
}

frappe.provide("frappe.views");
if (frappe.views.ReportView) {
	text_link_titles(frappe.views.ReportView);
} else {
	let report_view;
	Object.defineProperty(frappe.views, "ReportView", {
		configurable: true,
		enumerable: true,
		get: () => report_view,
		set: (cls) => {
			report_view = text_link_titles(cls);
		},
	});
}
