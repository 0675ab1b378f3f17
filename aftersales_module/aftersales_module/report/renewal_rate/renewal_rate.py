# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Renewal rate (续约率, requirements §4): of the maintenance contracts that end in the period, how many
were renewed, per month of their end or per account lead. Counted in SQL with GROUP BY."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, IfNull, NullIf

from aftersales_module.reports import chart_labels, filtered

# Contracts that reached their end: submitted and not cancelled (Active, Expiring, Expired, Renewed).
ENDING = ("Active", "Expiring", "Expired", "Renewed")
GROUPS = {
	"Month": ("Data", None),
	"Account Lead": ("Link", "User"),
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = filters.get("group_by") or "Month"
	if group_by not in GROUPS:
		frappe.throw(_("Cannot group the renewal rate by {0}").format(group_by))
	rows = data(filters, group_by)
	report_columns = columns(group_by)
	chart = {
		"data": {
			"labels": chart_labels([row["value"] for row in rows], report_columns[0]),
			"datasets": [
				{"name": _("Ending"), "values": [row["ending"] for row in rows], "chartType": "bar"},
				{"name": _("Renewed"), "values": [row["renewed"] for row in rows], "chartType": "bar"},
			],
		},
		"type": "bar",
	}
	return report_columns, rows, None, chart


def columns(group_by: str) -> list[dict]:
	fieldtype, options = GROUPS[group_by]
	return [
		{
			"fieldname": "value",
			"label": _(group_by),
			"fieldtype": fieldtype,
			"options": options,
			"width": 200,
		},
		{"fieldname": "ending", "label": _("Ending"), "fieldtype": "Int", "width": 110},
		{"fieldname": "renewed", "label": _("Renewed"), "fieldtype": "Int", "width": 110},
		{"fieldname": "renewal_rate", "label": _("Renewal Rate (%)"), "fieldtype": "Percent", "width": 140},
	]


def data(filters, group_by: str) -> list[dict]:
	mc = frappe.qb.DocType("Maintenance Contract")
	# By month: grouped by day in the order of the index (end_date, docstatus, status, company,
	# renewed_to), read from the index alone with no temporary table, and the days added up into
	# months here. By account lead: grouped in SQL.
	term = mc.end_date if group_by == "Month" else IfNull(mc.account_lead, "")
	renewed = Count(NullIf(mc.renewed_to, ""))
	query = (
		frappe.qb.from_(mc)
		.select(term.as_("value"), Count("*").as_("ending"), renewed.as_("renewed"))
		.where((mc.docstatus == 1) & (mc.status.isin(ENDING)))
		.groupby(term)
		.orderby(term)
	)
	if filters.get("customer"):
		query = query.where(mc.customer == filters.customer)
	rows = filtered(query, mc, filters, "end_date").run(as_dict=True)
	if group_by == "Month":
		months = {}
		for row in rows:
			key = row["value"].strftime("%Y-%m")
			month = months.setdefault(key, {"value": key, "ending": 0, "renewed": 0})
			month["ending"] += row["ending"]
			month["renewed"] += row["renewed"]
		rows = list(months.values())
	for row in rows:
		row["ending"] = int(row["ending"] or 0)
		row["renewed"] = int(row["renewed"] or 0)
		row["renewal_rate"] = round(100.0 * row["renewed"] / row["ending"], 1) if row["ending"] else 0.0
	return rows
