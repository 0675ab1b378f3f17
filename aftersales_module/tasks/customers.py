"""Customer 360: the daily sweep that grades every customer, and what the Customer form's dashboard
shows of them (units, open cases, contracts, last ratings, grade and loyalty score).

The grade is one UPDATE: the last year's purchase value, active contracts, repair jobs, return-visit
ratings and complaints are grouped per customer in derived tables and joined to Customer, and the
score is the sum policy/customers.py describes, with the settings' rules as parameters. Run twice, it
writes the same values; two workers write the same values too."""

from datetime import date

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from aftersales_module.jobs import retried
from aftersales_module.policy import customers as policy
from aftersales_module.settings import get_settings

OPEN_COMPLAINT_END = ("Closed", "Invalid")
OPEN_JOB_END = ("Completed", "Invoiced", "Closed")
LIVE_CONTRACT = ("Active", "Expiring")


def daily(today: date | None = None) -> None:
	retried(grade_customers, getdate(today or nowdate()))


def grade_customers(today: date | None = None) -> int:
	"""Score and grade every customer from the year before `today`; how many rows changed."""
	today = getdate(today or nowdate())
	rules = policy.rules_with_defaults(get_settings())
	frappe.db.sql(
		"""
		update `tabCustomer` customer
		left join (
			select customer, sum(base_grand_total) as value from `tabSales Invoice`
			where docstatus = 1 and is_return = 0 and posting_date > %(since)s and posting_date <= %(today)s
			group by customer
		) bought on bought.customer = customer.name
		left join (
			select distinct customer from `tabMaintenance Contract`
			where docstatus = 1 and status in %(live)s
		) contract on contract.customer = customer.name
		left join (
			select customer, count(*) as jobs from `tabRepair Job`
			where posting_date > %(since)s and posting_date <= %(today)s
			group by customer
		) came_back on came_back.customer = customer.name
		left join (
			select customer, avg(average_rating) as rating from `tabReturn Visit`
			where average_rating > 0 and visited_on > %(since)s and visited_on < %(today)s + interval 1 day
			group by customer
		) rated on rated.customer = customer.name
		left join (
			select customer, count(*) as complaints from `tabComplaint Record`
			where registered_on > %(since)s and registered_on < %(today)s + interval 1 day
				and ifnull(validity, '') != 'Invalid'
			group by customer
		) complained on complained.customer = customer.name
		set customer.aftersales_loyalty_score = round(least(100, greatest(0,
				%(w_purchase)s * least(1, greatest(0, coalesce(bought.value / nullif(%(full_value)s, 0), 0)))
				+ %(w_contract)s * (contract.customer is not null)
				+ %(w_returns)s * least(1, coalesce(came_back.jobs / nullif(%(full_returns)s, 0), 0))
				+ %(w_ratings)s * (case when coalesce(rated.rating, 0) <= 1 then 0
					else least(1, (rated.rating - 1) / 3) end)
				+ %(w_complaints)s * (case when %(to_zero)s <= 0 then (coalesce(complained.complaints, 0) = 0)
					else greatest(0, 1 - coalesce(complained.complaints, 0) / %(to_zero)s) end)
			)), 1),
			customer.aftersales_graded_on = %(today)s
		""",
		{
			"since": add_days(today, -365),
			"today": today,
			"live": LIVE_CONTRACT,
			"w_purchase": float(rules["grade_weight_purchase"]),
			"full_value": float(rules["grade_full_purchase_value"]),
			"w_contract": float(rules["grade_weight_contract"]),
			"w_returns": float(rules["grade_weight_returns"]),
			"full_returns": float(rules["grade_full_return_count"]),
			"w_ratings": float(rules["grade_weight_ratings"]),
			"w_complaints": float(rules["grade_weight_complaints"]),
			"to_zero": float(rules["grade_complaints_to_zero"]),
			"grade_a": float(rules["grade_a_score"]),
			"grade_b": float(rules["grade_b_score"]),
			"grade_c": float(rules["grade_c_score"]),
		},
	)
	changed = max(frappe.db._cursor.rowcount, 0)
	# the grade from the score just written (a multi-table UPDATE sets its columns in no set order)
	frappe.db.sql(
		"""
		update `tabCustomer` set aftersales_grade = case
			when aftersales_loyalty_score >= %(grade_a)s then 'A'
			when aftersales_loyalty_score >= %(grade_b)s then 'B'
			when aftersales_loyalty_score >= %(grade_c)s then 'C'
			else 'D' end
		""",
		{
			"grade_a": float(rules["grade_a_score"]),
			"grade_b": float(rules["grade_b_score"]),
			"grade_c": float(rules["grade_c_score"]),
		},
	)
	return changed


@frappe.whitelist()
def customer_360(customer: str) -> dict:
	"""What the Customer form's dashboard shows: only the parts the user may read."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	values = frappe.db.get_value(
		"Customer",
		customer,
		["aftersales_grade", "aftersales_loyalty_score", "aftersales_graded_on"],
		as_dict=True,
	)
	out = {
		"grade": values.aftersales_grade,
		"score": values.aftersales_loyalty_score,
		"graded_on": values.aftersales_graded_on,
	}
	today = getdate(nowdate())
	if frappe.has_permission("Warranty Registration", "read"):
		out["units"] = frappe.get_all(
			"Warranty Registration",
			filters={"customer": customer, "status": "Active"},
			fields=["name", "item_code", "serial_no", "end_date"],
			order_by="end_date asc",
			limit=5,
		)
		out["unit_count"] = frappe.db.count(
			"Warranty Registration", {"customer": customer, "status": "Active"}
		)
	if frappe.has_permission("Complaint Record", "read"):
		out["open_complaints"] = frappe.db.count(
			"Complaint Record", {"customer": customer, "status": ("not in", OPEN_COMPLAINT_END)}
		)
	if frappe.has_permission("Repair Job", "read"):
		out["open_jobs"] = frappe.db.count(
			"Repair Job", {"customer": customer, "status": ("not in", OPEN_JOB_END)}
		)
	if frappe.has_permission("Maintenance Contract", "read"):
		out["contracts"] = frappe.get_all(
			"Maintenance Contract",
			filters={"customer": customer, "docstatus": 1, "status": ("in", LIVE_CONTRACT)},
			fields=["name", "contract_type", "end_date", "status"],
			order_by="end_date asc",
			limit=5,
		)
	if frappe.has_permission("Return Visit", "read"):
		out["ratings"] = frappe.get_all(
			"Return Visit",
			filters={
				"customer": customer,
				"average_rating": (">", 0),
				"visited_on": ("<=", add_days(today, 1)),
			},
			fields=["name", "visited_on", "average_rating"],
			order_by="visited_on desc",
			limit=3,
		)
	out["title"] = _("After Sales")
	return out
