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

const format = frappe.format;
frappe.format = function (value, df, options, doc) {
	if (is_verbatim(df, value)) {
		const escaped = frappe.utils.escape_html(value).replace(/\n/g, "<br>");
		return format(escaped, { ...df, fieldtype: "Data", ignore_xss_filter: 0 }, options, doc);
	}
	return format(value, df, options, doc);
};
