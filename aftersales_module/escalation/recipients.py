"""Who a level goes to: a role, a user, or the handler's manager up the reporting line."""

import frappe
from frappe import _

from aftersales_module.roles import MANAGER as FALLBACK_ROLE


class Recipients:
	"""Resolves a level's target to users, with one query per role or handler."""

	def __init__(self):
		self.by_role: dict[str, list[str]] = {}
		self.manager_of: dict[str, str | None] = {}

	def role_users(self, role: str) -> list[str]:
		if role not in self.by_role:
			has_role, user = frappe.qb.DocType("Has Role"), frappe.qb.DocType("User")
			self.by_role[role] = (
				frappe.qb.from_(has_role)
				.join(user)
				.on(user.name == has_role.parent)
				.select(user.name)
				.distinct()
				.where(has_role.role == role)
				.where(has_role.parenttype == "User")
				.where(user.enabled == 1)
				.where(user.user_type == "System User")
				.where(user.name.notin(["Administrator", "Guest"]))
				.orderby(user.name)
				.run(pluck=True)
			)
		return self.by_role[role]

	def manager(self, user: str | None, steps: int = 1) -> str | None:
		"""The user `steps` levels up `user`'s reporting line (Employee.reports_to), or the highest
		one there is when the chart ends sooner; None when `user` has no manager at all."""
		found = None
		for _step in range(max(steps, 1)):
			if not user:
				break
			if user not in self.manager_of:
				reports_to = frappe.db.get_value(
					"Employee", {"user_id": user, "status": "Active"}, "reports_to"
				)
				self.manager_of[user] = (
					frappe.db.get_value("Employee", reports_to, "user_id") if reports_to else None
				)
			user = self.manager_of[user]
			found = user or found
		return found

	def for_level(self, level_row, handler: str | None) -> tuple[list[str], str]:
		"""(users, note): the note says when the target had nobody and the fallback role was used."""
		if level_row.target_type == "Role":
			users = self.role_users(level_row.target_role)
		elif level_row.target_type == "User":
			users = [level_row.target_user] if level_row.target_user else []
		else:
			manager = self.manager(handler, level_row.manager_steps or 1)
			users = [manager] if manager else []
		if users:
			return users, ""
		return self.role_users(FALLBACK_ROLE), _("nobody matched the level's target; sent to {0}").format(
			_(FALLBACK_ROLE)
		)
