# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import get_datetime

from aftersales_module.escalation.planning import load_levels, load_policy
from aftersales_module.escalation.registry import escalatables
from aftersales_module.guard import AppDocument
from aftersales_module.policy.escalation import check_levels, next_escalation_at

REPLAN_NOW_LIMIT = 2000


class EscalationPolicy(AppDocument):
	def validate(self):
		escalating = escalatables()
		if self.document_type not in escalating:
			frappe.throw(
				_("{0} does not escalate; choose one of: {1}").format(
					_(self.document_type), ", ".join(_(d) for d in escalating)
				)
			)
		problems = check_levels(load_levels(self.levels))
		for row in self.levels:
			if row.target_type == "Role" and not row.target_role:
				problems.append(_("Level {0} ({1}) needs a Target Role").format(row.idx, row.level_label))
			if row.target_type == "User" and not row.target_user:
				problems.append(_("Level {0} ({1}) needs a Target User").format(row.idx, row.level_label))
		if self.working_days_only and not self.holiday_list:
			self.holiday_list = None
		if problems:
			frappe.throw(
				"<br>".join(
					p
					if isinstance(p, str)
					else _(p.message).format(_(self.meta.get_label(p.fieldname)), *p.args)
					for p in problems
				),
				title=_("Invalid escalation levels"),
			)

	def on_update(self):
		# Open cases under this policy escalate by its new levels from now on.
		count = frappe.db.count(self.document_type, {"escalation_policy": self.name})
		if count <= REPLAN_NOW_LIMIT:
			replan_cases(self.document_type, self.name, self)
		else:
			frappe.enqueue(
				replan_cases,
				queue="long",
				doctype=self.document_type,
				policy=self.name,
				enqueue_after_commit=True,
			)


def replan_cases(doctype: str, policy: str, doc=None) -> int:
	"""After a policy changes, recompute when each open case under it escalates next (batched)."""
	config = escalatables()[doctype]
	loaded = load_policy(policy, doc)
	table = frappe.qb.DocType(doctype)
	rows = (
		frappe.qb.from_(table)
		.select(
			table.name,
			table.escalation_clock_start,
			table.creation,
			table.escalation_level,
			table.last_escalated_at,
		)
		.where(table.escalation_policy == policy)
		.where(table.status.isin(config.active_statuses))
		.run(as_dict=True)
	)
	updates = {
		row.name: {
			"next_escalation_at": next_escalation_at(
				loaded.levels,
				get_datetime(row.escalation_clock_start or row.creation),
				row.escalation_level or 0,
				get_datetime(row.last_escalated_at) if row.last_escalated_at else None,
				loaded.calendar,
			)
		}
		for row in rows
	}
	frappe.db.bulk_update(doctype, updates, chunk_size=500, update_modified=False)
	return len(updates)
