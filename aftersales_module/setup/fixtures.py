"""The fixtures the app ships, named by the fixture files themselves.

hooks.py exports exactly the records fixtures/ holds, so the two cannot disagree. The workflow states
and actions are the ones fixtures/workflow.json uses. Uninstall removes the fixture records that are
not tied to the module (workflows, assignment rules). No frappe import: hooks.py loads this."""

import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "fixtures"
# Exported in this order: roles before what names them, states and actions before the workflows.
ORDER = (
	"Role",
	"Custom Field",
	"Workflow State",
	"Workflow Action Master",
	"Workflow",
	"Assignment Rule",
)
# Records uninstall deletes: the module's doctypes go with it, these would be left behind.
NOT_TIED_TO_THE_MODULE = ("Workflow", "Assignment Rule")


def file_of(doctype: str) -> Path:
	return FOLDER / f"{doctype.lower().replace(' ', '_')}.json"


def records(doctype: str) -> list[dict]:
	path = file_of(doctype)
	return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def used_by_workflows() -> dict[str, set[str]]:
	"""The states and actions that the shipped workflows use."""
	states, actions = set(), set()
	for workflow in records("Workflow"):
		states.update(row["state"] for row in workflow.get("states", []))
		states.update(row["next_state"] for row in workflow.get("transitions", []))
		actions.update(row["action"] for row in workflow.get("transitions", []))
	return {"Workflow State": states, "Workflow Action Master": actions}


def names(doctype: str) -> list[str]:
	derived = used_by_workflows()
	if doctype in derived:
		return sorted(derived[doctype])
	return sorted(record["name"] for record in records(doctype))


def hook_fixtures() -> list[dict]:
	"""The `fixtures` hook: one filter per fixture file, naming every record it holds."""
	return [
		{"dt": doctype, "filters": [["name", "in", names(doctype)]]}
		for doctype in ORDER
		if file_of(doctype).exists() and names(doctype)
	]


def removable_on_uninstall() -> list[tuple[str, str]]:
	return [(doctype, name) for doctype in NOT_TIED_TO_THE_MODULE for name in names(doctype)]
