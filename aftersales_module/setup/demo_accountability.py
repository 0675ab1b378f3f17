"""The demo's rewards and penalties, on the demo's people (demo_data/people.json): two fines, one of
them approved by the After Sales Manager, and a reward waiting for approval.

`make_accountability_demo(company)` looks for each entry first (same employee, rule and reason), so
a second run creates nothing. It types the entries as a user does, and approves through the
entry's own submit, as the manager: the same rules apply (no self-approval, manager only)."""

import frappe

from aftersales_module.policy.accountability import FINE, OTHER, REWARD, SERVICE_RULE_BREACH

DOCTYPE = "Reward and Penalty Entry"
EMAIL_DOMAIN = "aftersales-demo.example"
MANAGER = "zhang.min"

# (login of the employee, kind, rule, amount (None: the settings' default), reason, approve)
ENTRIES = (
	(
		"li.wei",
		FINE,
		SERVICE_RULE_BREACH,
		100,  # 004/11; the settings' default, typed here as a site may have set its own
		"回访时未在30分钟内回电 Callback later than 30 minutes (004/11)",
		True,
	),
	("wang.fang", FINE, OTHER, 50, "上门服务未穿工作服 No uniform on a site visit", False),
	("chen.jing", REWARD, OTHER, 200, "客户书面表扬回访服务 Praised by a customer in writing", False),
)


def email(login: str) -> str:
	return f"{login}@{EMAIL_DOMAIN}"


def make_accountability_demo(company: str) -> list[str]:
	"""Create the demo entries for `company`'s demo employees; return a line for each one created.
	People the demo has not made are skipped."""
	created = []
	manager = email(MANAGER)
	for login, kind, rule, amount, reason, approve in ENTRIES:
		employee = frappe.db.get_value("Employee", {"user_id": email(login), "company": company})
		if not employee:
			continue
		if frappe.db.exists(DOCTYPE, {"employee": employee, "rule": rule, "reason": reason}):
			continue
		entry = frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"kind": kind,
				"rule": rule,
				"employee": employee,
				"company": company,
				"amount": amount,
				"reason": reason,
			}
		)
		entry.insert(ignore_permissions=True)
		state = "draft"
		if approve and frappe.db.exists("User", manager):
			previous = frappe.session.user
			frappe.set_user(manager)
			try:
				entry.submit()
			finally:
				frappe.set_user(previous)
			state = "approved"
		created.append(f"{DOCTYPE} {entry.name} ({kind}, {entry.employee_name}, {entry.amount}, {state})")
	return created
