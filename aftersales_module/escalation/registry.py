"""Which doctypes escalate, and how: each registers an `Escalatable` through the hook
`aftersales_escalating` (a dotted path to it), so the engine knows no doctype's facts."""

from dataclasses import dataclass

import frappe

# The columns the engine keeps on every escalating doctype: app-managed wherever they are (with the
# log table), so that a plain save cannot move them.
ENGINE_FIELDS = (
	"escalation_policy",
	"escalation_level",
	"escalation_clock_start",
	"last_escalated_at",
	"next_escalation_at",
)


@dataclass(frozen=True)
class Escalatable:
	"""How a doctype takes part in escalation. The doctype carries the fields the engine keeps:
	status, escalation_policy, escalation_level, last_escalated_at, escalation_clock_start,
	next_escalation_at, a child table of log rows (`log_field`), and, where it has them, a handler
	(`handler_field`), a deadline (`deadline_field`) and an overdue flag (`overdue_field`).

	The clock of the levels starts at `clock_field` (its label in the log: `clock_label`). With
	`clock_moves`, the clock follows that field until the first level fires (a repair job's SLA
	deadline moves from the response to the resolution time once it is answered), and a document
	whose clock field is empty does not escalate."""

	doctype: str
	log_doctype: str
	log_field: str
	active_statuses: tuple[str, ...]
	title_field: str
	payload_fields: tuple[str, ...]
	match_fields: tuple[str, ...]
	clock_field: str = "creation"
	clock_label: str = "Creation"
	clock_moves: bool = False
	handler_field: str | None = "handler"
	deadline_field: str | None = "deadline"
	overdue_field: str | None = "is_overdue"
	# the day a report's day totals count the document on, marked stale when the engine's bulk
	# writes move a figure (overdue, a manual escalation); None where no totals count them
	totals_day_field: str | None = None


def escalatables() -> dict[str, Escalatable]:
	"""Every registered doctype's configuration, by doctype."""
	configs = (frappe.get_attr(path) for path in frappe.get_hooks("aftersales_escalating"))
	return {config.doctype: config for config in configs}


def config_of(doctype: str) -> Escalatable:
	configs = escalatables()
	if doctype not in configs:
		frappe.throw(frappe._("{0} does not escalate").format(frappe._(doctype)))
	return configs[doctype]
