"""Saves after which Frappe writes a Workflow Action take one row lock first, so that two of them wait
for each other instead of deadlocking.

After a save of a document that has a workflow, Frappe's `process_workflow_actions` (an `on_update`,
`on_update_after_submit` and `on_cancel` hook of every doctype) completes the document's open
Workflow Action and inserts the next one. Before the insert it deletes and updates
`WHERE reference_name = <the document> AND … AND user …` (`clear_old_workflow_actions_using_user`,
`update_completed_workflow_actions_using_user`). InnoDB locks the index range those statements scan,
gaps included, and that range reaches into the gap where the neighbouring document's new row goes.
Two saves of neighbouring complaints (…-00045 and …-00046, classified by two clerks at once) each hold
a gap the other must insert into, and one of them fails with `Deadlock found when trying to get lock`
(1213): an HTTP 500, the case left where it was.

So before Frappe's hook runs, such a save locks the rows of `tabWorkflow` (a handful, always in
primary-key order). The second save waits at that lock until the first commits. The lock is taken
only when Frappe is about to write a Workflow Action, and is held from there to the end of the
transaction, which for a desk or REST save is a few milliseconds."""

import frappe
from frappe.model.workflow import get_workflow_name

EVENTS = frozenset(("on_update", "on_update_after_submit", "on_cancel"))


def before_workflow_actions(doc) -> None:
	"""Take the lock when Frappe's `process_workflow_actions` will write for `doc` in this event."""
	if not get_workflow_name(doc.doctype):
		return
	from frappe.workflow.doctype.workflow_action.workflow_action import is_workflow_action_already_created

	if is_workflow_action_already_created(doc):
		return  # Frappe returns early too: nothing written, no gap locked
	frappe.db.sql("select name from `tabWorkflow` order by name for update")
