"""Which doctypes escalate, and how: each registers an `Escalatable` through the hook
`aftersales_escalating` (a dotted path to it), so the engine knows no doctype's facts."""

from dataclasses import dataclass

import frappe


@dataclass(frozen=True)
class Escalatable:
	"""How a doctype takes part in escalation. The doctype carries the fields the engine keeps:
	status, handler, deadline, is_overdue, escalation_policy, escalation_level, last_escalated_at,
	escalation_clock_start, next_escalation_at, and a child table of log rows (`log_field`)."""

	doctype: str
	log_doctype: str
	log_field: str
	active_statuses: tuple[str, ...]
	title_field: str
	payload_fields: tuple[str, ...]
	match_fields: tuple[str, ...]
	clock_field: str = "creation"


def escalatables() -> dict[str, Escalatable]:
	"""Every registered doctype's configuration, by doctype."""
	configs = (frappe.get_attr(path) for path in frappe.get_hooks("aftersales_escalating"))
	return {config.doctype: config for config in configs}


def config_of(doctype: str) -> Escalatable:
	configs = escalatables()
	if doctype not in configs:
		frappe.throw(frappe._("{0} does not escalate").format(frappe._(doctype)))
	return configs[doctype]
