# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Key Part Failure Trend (requirements 000/3: key-part failures are watched and fed to quality
inspection): for each company, key part (Item "Key Part" ticked) and month, how many failed against
how many units that contain the part are in the field, the rate, and the part's threshold.

- **Failures**: the quantity of the part used on repair jobs completed in the month (status
  Completed, Invoiced or Closed with a completion time): issued to the job and not returned
  (policy/key_parts.failure_qty, summed in SQL).
- **Products that contain the part**: those whose default, active, submitted BOM lists it (BOM
  Item, or BOM Explosion Item for a part deeper in the tree), and, for products made elsewhere or
  without a BOM, those on whose completed jobs the part has been used. A part can be in several
  products; their units add up.
- **Units in the field** at a month's end: the quantity of the Warranty Registrations (written on
  delivery for every serial number, or delivery line, of an item with a warranty period; or by
  hand) of those products, not void, whose warranty runs on the month's last day.

The months are whole calendar months: From Date and To Date pick the first and the last. The daily
sweep (tasks/key_parts.py) raises its Non Conformances from these same numbers."""

from collections import defaultdict
from datetime import date

import frappe
from frappe import _
from frappe.utils import flt, getdate, nowdate

from aftersales_module.policy import key_parts as policy
from aftersales_module.policy import repair as repair_policy
from aftersales_module.reports import date_range, permitted_values

DONE = (repair_policy.COMPLETED, repair_policy.INVOICED, repair_policy.CLOSED)
VOID = "Void"
CHART_PARTS = 6
MAX_MONTHS = 36


def execute(filters=None):
	filters = frappe._dict(filters or {})
	months = report_months(filters)
	rows = trend_rows(
		months,
		companies=[filters.company] if filters.get("company") else None,
		item_code=filters.get("item_code") or None,
		restrict=True,
	)
	if filters.get("over_threshold_only"):
		rows = [row for row in rows if row.over_threshold]
	return columns(), rows, None, chart(rows, months)


def report_months(filters) -> list[date]:
	"""The whole months between From Date and To Date (by default the last 12 months, this one
	included); at most MAX_MONTHS."""
	from_date, to_date = date_range(filters)
	today = getdate(nowdate())
	to_date = to_date or today
	from_date = from_date or policy.month_start(getdate(frappe.utils.add_months(to_date, -11)))
	months = policy.months_between(from_date, to_date)
	if len(months) > MAX_MONTHS:
		frappe.throw(_("Choose at most {0} months").format(MAX_MONTHS))
	return months


def columns() -> list[dict]:
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "item_code",
			"label": _("Key Part"),
			"fieldtype": "Link",
			"options": "Item",
			"width": 160,
		},
		{"fieldname": "item_name", "label": _("Item Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "failures", "label": _("Failures"), "fieldtype": "Float", "width": 90},
		{"fieldname": "jobs", "label": _("Repair Jobs"), "fieldtype": "Int", "width": 100},
		{"fieldname": "units_in_field", "label": _("Units in Field"), "fieldtype": "Float", "width": 120},
		{"fieldname": "failure_rate", "label": _("Failure Rate %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "threshold", "label": _("Threshold %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "over_threshold", "label": _("Over Threshold"), "fieldtype": "Check", "width": 110},
		# Plain text, not a Link: Frappe's report runner would then demand read on Non Conformance
		# from every viewer, and ERPNext gives it to System Managers and Employees only.
		{"fieldname": "non_conformance", "label": _("Non Conformance"), "fieldtype": "Data", "width": 150},
		{
			"fieldname": "company",
			"label": _("Company"),
			"fieldtype": "Link",
			"options": "Company",
			"width": 160,
		},
	]


def chart(rows: list[dict], months: list[date]) -> dict | None:
	"""The rate per month of the parts that failed most (one line each)."""
	if not rows:
		return None
	keys = [policy.month_key(month) for month in months]
	totals: dict[str, float] = {}
	for row in rows:
		totals[row.item_code] = totals.get(row.item_code, 0) + flt(row.failures)
	parts = sorted(totals, key=lambda part: (-totals[part], part))[:CHART_PARTS]
	rates = {(row.item_code, row.month): row.failure_rate for row in rows}
	return {
		"data": {
			"labels": keys,
			"datasets": [
				{"name": part, "values": [flt(rates.get((part, key))) for key in keys]} for part in parts
			],
		},
		"type": "line",
		"fieldtype": "Percent",
	}


# --- the numbers, shared with the sweep ------------------------------------------------------------


def trend_rows(
	months: list[date],
	companies: list[str] | None = None,
	item_code: str | None = None,
	restrict: bool = False,
) -> list[frappe._dict]:
	"""One row per company, key part and month with a failure or a unit in the field: failures,
	jobs, units in the field, rate, threshold, whether it is over the threshold, and the Non
	Conformance it raised. `restrict` limits the companies and customers to the session user's
	User Permissions (the report); the sweep reads them all."""
	if not months:
		return []
	scope = Scope(companies, item_code, restrict)
	if scope.empty:
		return []
	uses = key_part_uses(scope)
	failed = {(r.company, r.month, r.item_code): r for r in failures(months, uses)}
	units = {(r.company, r.month, r.item_code): r for r in units_in_field(months, scope, uses)}
	keys = sorted(set(failed) | set(units), key=lambda k: (k[1], k[2], k[0]))
	parts = part_details({key[2] for key in keys})
	raised = raised_non_conformances(keys)
	rows = []
	for key in keys:
		company, month, part = key
		failures_qty = flt(failed[key].failures) if key in failed else 0.0
		units_qty = flt(units[key].units) if key in units else 0.0
		threshold = flt(parts.get(part, {}).get("threshold"))
		rate = policy.failure_rate(failures_qty, units_qty)
		rows.append(
			frappe._dict(
				company=company,
				month=month,
				item_code=part,
				item_name=parts.get(part, {}).get("item_name"),
				failures=failures_qty,
				jobs=failed[key].jobs if key in failed else 0,
				units_in_field=units_qty,
				failure_rate=rate,
				threshold=threshold or None,
				over_threshold=int(policy.over_threshold(rate, threshold)),
				non_conformance=raised.get(policy.non_conformance_key(company, part, month)),
			)
		)
	return rows


class Scope:
	"""The conditions every query of the report shares: companies, one item, User Permissions."""

	def __init__(self, companies: list[str] | None, item_code: str | None, restrict: bool):
		self.companies = list(companies) if companies else None
		self.customers = None
		if restrict:
			allowed = permitted_values("Company", "Repair Job")
			if allowed is not None:
				self.companies = [c for c in (self.companies or allowed) if c in allowed]
			self.customers = permitted_values("Customer", "Repair Job")
		self.item_code = item_code

	@property
	def empty(self) -> bool:
		return self.companies is not None and not self.companies

	def conditions(self, table: str, values: dict, prefix: str) -> str:
		"""SQL conditions on `table`'s company and customer (values added to `values`)."""
		sql = ""
		if self.companies is not None:
			values[f"{prefix}_companies"] = tuple(self.companies)
			sql += f" and {table}.company in %({prefix}_companies)s"
		if self.customers is not None:
			values[f"{prefix}_customers"] = tuple(self.customers)
			sql += f" and {table}.customer in %({prefix}_customers)s"
		return sql


def month_bounds(months: list[date]) -> tuple[date, date]:
	"""The first day of the first month and the day after the last month."""
	return months[0], frappe.utils.add_days(policy.month_end(months[-1]), 1)


def key_part_uses(scope: Scope) -> list[frappe._dict]:
	"""The key parts used on completed jobs (issued and not returned), added up per company, month of
	completion, part and product (the job's item), in one pass over their part rows: the failures
	(of the jobs in scope) and the products a part has been used on (of every job) both come from it.
	From the few key parts to their part rows (by item code) to each row's job: STRAIGHT_JOIN keeps
	that order, so neither the jobs nor the part rows are read whole."""
	values = {"done": DONE}
	item_condition = ""
	if scope.item_code:
		values["item_code"] = scope.item_code
		item_condition = " and part.item_code = %(item_code)s"
	in_scope = "1" + scope.conditions("job", values, "job")
	return frappe.db.sql(
		f"""
		select straight_join job.company, date_format(job.completed_on, '%%Y-%%m') as month,
			part.item_code, job.item_code as product, {in_scope} as in_scope,
			sum(greatest(coalesce(part.issued_qty, 0) - coalesce(part.returned_qty, 0), 0)) as failures,
			count(distinct job.name) as jobs
		from `tabItem` item
		join `tabRepair Job Part` part
			on part.item_code = item.name and part.parenttype = 'Repair Job' and part.parentfield = 'parts'
		join `tabRepair Job` job on job.name = part.parent
		where item.is_key_part = 1 and job.status in %(done)s
			and coalesce(part.issued_qty, 0) > coalesce(part.returned_qty, 0){item_condition}
		group by job.company, month, part.item_code, product, in_scope
		""",
		values,
		as_dict=True,
	)


def failures(months: list[date], uses: list[frappe._dict]) -> list[frappe._dict]:
	"""Failed quantity and jobs per company, month of completion and key part, of the jobs in scope
	completed in the months."""
	wanted = {policy.month_key(month) for month in months}
	totals = {}
	for use in uses:
		if not use.in_scope or use.month not in wanted:
			continue
		key = (use.company, use.month, use.item_code)
		total = totals.setdefault(
			key,
			frappe._dict(company=use.company, month=use.month, item_code=use.item_code, failures=0.0, jobs=0),
		)
		total.failures += flt(use.failures)
		total.jobs += int(use.jobs)
	return list(totals.values())


def units_in_field(months: list[date], scope: Scope, uses: list[frappe._dict]) -> list[frappe._dict]:
	"""Units in the field per company, month and key part: the warranty registrations of the
	products containing the part whose warranty runs on the month's last day.

	SQL adds the registrations up per product, company and pair of start and end dates (a few
	thousand rows whatever the number of units); the month ends each pair covers are counted here."""
	values = {}
	item_condition = ""
	if scope.item_code:
		values["item_code"] = scope.item_code
		item_condition = " and item.name = %(item_code)s"
	key_parts = f"select item.name from `tabItem` item where item.is_key_part = 1{item_condition}"
	parts_of = defaultdict(set)
	for part, product in frappe.db.sql(products_in_boms(key_parts), values):
		parts_of[product].add(part)
	for use in uses:
		if use.product:
			parts_of[use.product].add(use.item_code)
	if not parts_of:
		return []
	values = {
		"products": tuple(parts_of),
		"void": VOID,
		"first_end": policy.month_end(months[0]),
		"last_end": policy.month_end(months[-1]),
	}
	# grouped in the order of the index (item_code, end_date, start_date, company …), read from the
	# index alone and without a temporary table: a row per product, company and pair of dates
	spans = frappe.db.sql(
		f"""
		select reg.item_code, reg.end_date, reg.start_date, reg.company,
			sum(case when coalesce(reg.qty, 0) > 0 then reg.qty else 1 end) as units
		from `tabWarranty Registration` reg
		where reg.item_code in %(products)s and reg.status != %(void)s
			and reg.end_date >= %(first_end)s and reg.start_date <= %(last_end)s
			{scope.conditions("reg", values, "reg")}
		group by reg.item_code, reg.end_date, reg.start_date, reg.company
		""",
		values,
		as_dict=True,
	)
	month_ends = [(policy.month_key(month), policy.month_end(month)) for month in months]
	units = defaultdict(float)
	for span in spans:
		for month, month_end in month_ends:
			if span.start_date <= month_end <= span.end_date:
				for part in parts_of[span.item_code]:
					units[(span.company, month, part)] += flt(span.units)
	return [
		frappe._dict(company=company, month=month, item_code=part, units=total)
		for (company, month, part), total in units.items()
	]


def products_in_boms(key_parts: str) -> str:
	"""SQL of the distinct (part, product) pairs where the part is in the product's default active
	BOM, at any level. (The products it has been used on come from key_part_uses.)"""
	return f"""
		select bom_item.item_code as part, bom.item as product
		from `tabBOM` bom
		join `tabBOM Item` bom_item on bom_item.parent = bom.name and bom_item.parenttype = 'BOM'
		where bom.is_active = 1 and bom.is_default = 1 and bom.docstatus = 1
			and bom_item.item_code in ({key_parts})
		union
		select exploded.item_code, bom.item
		from `tabBOM` bom
		join `tabBOM Explosion Item` exploded on exploded.parent = bom.name and exploded.parenttype = 'BOM'
		where bom.is_active = 1 and bom.is_default = 1 and bom.docstatus = 1
			and exploded.item_code in ({key_parts})
	"""


def part_details(parts: set[str]) -> dict[str, dict]:
	if not parts:
		return {}
	return {
		row.name: {"item_name": row.item_name, "threshold": row.key_part_failure_threshold}
		for row in frappe.get_all(
			"Item",
			filters={"name": ("in", list(parts))},
			fields=["name", "item_name", "key_part_failure_threshold"],
		)
	}


def raised_non_conformances(keys) -> dict[str, str]:
	"""The Non Conformance raised for each (company, month, part), by its unique key."""
	wanted = [policy.non_conformance_key(company, part, month) for company, month, part in keys]
	if not wanted:
		return {}
	return dict(
		frappe.get_all(
			"Non Conformance",
			filters={"aftersales_key_part_month": ("in", wanted)},
			fields=["aftersales_key_part_month", "name"],
			as_list=True,
		)
	)


def failing_jobs(company: str, item_code: str, month: date) -> list[frappe._dict]:
	"""The jobs completed in `month` that used `item_code`: the evidence of a Non Conformance."""
	start, end = month_bounds([policy.month_start(month)])
	return frappe.db.sql(
		"""
		select job.name, job.item_code, job.serial_no, job.customer, job.completed_on,
			sum(greatest(coalesce(part.issued_qty, 0) - coalesce(part.returned_qty, 0), 0)) as qty
		from `tabRepair Job` job
		join `tabRepair Job Part` part
			on part.parent = job.name and part.parenttype = 'Repair Job' and part.parentfield = 'parts'
		where job.company = %(company)s and part.item_code = %(item_code)s and job.status in %(done)s
			and job.completed_on >= %(start)s and job.completed_on < %(end)s
			and coalesce(part.issued_qty, 0) > coalesce(part.returned_qty, 0)
		group by job.name, job.item_code, job.serial_no, job.customer, job.completed_on
		order by job.completed_on, job.name
		""",
		{"company": company, "item_code": item_code, "done": DONE, "start": start, "end": end},
		as_dict=True,
	)
