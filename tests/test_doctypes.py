"""Every doctype JSON must be one Frappe can sync, with links that resolve on a v15 site."""

import json

import appmeta
import pytest

DOCTYPES = appmeta.doctypes()
LINK_TYPES = {"Link", "Table", "Table MultiSelect", "Dynamic Link"}


def test_core_doctype_list_is_present():
	core = appmeta.core_doctypes()
	assert {"Customer", "Item", "Serial No", "Stock Entry", "Sales Invoice", "User", "Role"} <= core


@pytest.mark.parametrize("folder", appmeta.doctype_folders(), ids=lambda p: p.name)
def test_folder_holds_a_doctype_named_after_it(folder):
	path = folder / f"{folder.name}.json"
	assert path.exists(), f"{folder} has no {path.name}"
	data = json.loads(path.read_text(encoding="utf-8"))
	assert data["doctype"] == "DocType"
	assert data["name"].lower().replace(" ", "_").replace("-", "_") == folder.name
	assert data["module"] == "Aftersales Module"
	assert (folder / "__init__.py").exists()
	assert (folder / f"{folder.name}.py").exists(), "every doctype has a controller"


@pytest.mark.parametrize("name", sorted(DOCTYPES))
def test_fieldnames_are_unique_and_ordered(name):
	data = DOCTYPES[name]
	fieldnames = [f["fieldname"] for f in data["fields"]]
	duplicates = {f for f in fieldnames if fieldnames.count(f) > 1}
	assert not duplicates, f"{name} repeats {duplicates}"
	assert data.get("field_order", fieldnames) == fieldnames, f"{name}: field_order differs from fields"


@pytest.mark.parametrize("name", sorted(DOCTYPES))
def test_links_point_at_known_doctypes(name):
	data = DOCTYPES[name]
	known = appmeta.core_doctypes() | set(DOCTYPES)
	fields = {f["fieldname"]: f for f in data["fields"]}
	for field in data["fields"]:
		kind, target = field["fieldtype"], field.get("options")
		if kind in ("Link", "Table", "Table MultiSelect"):
			assert target in known, f"{name}.{field['fieldname']} links unknown doctype {target!r}"
		if kind in ("Table", "Table MultiSelect") and target in DOCTYPES:
			assert DOCTYPES[target].get("istable"), (
				f"{name}.{field['fieldname']}: {target} is not a child table"
			)
		if kind == "Dynamic Link":
			source = fields.get(target)
			assert source and source["fieldtype"] == "Link" and source.get("options") == "DocType", (
				f"{name}.{field['fieldname']}: Dynamic Link needs a Link-to-DocType field, got {target!r}"
			)
	for link in data.get("links", []):
		assert link["link_doctype"] in known, f"{name} connection to unknown {link['link_doctype']}"


@pytest.mark.parametrize("name", sorted(n for n, d in DOCTYPES.items() if not d.get("istable")))
def test_permissions_and_naming(name):
	data = DOCTYPES[name]
	roles = {p["role"] for p in data.get("permissions", []) if p.get("read")}
	assert roles & appmeta.OUR_ROLES, f"{name} grants nothing to {sorted(appmeta.OUR_ROLES)}"
	if not data.get("issingle"):
		assert data.get("autoname") or data.get("naming_rule"), f"{name} sets no naming"


def test_workspace_links_resolve():
	known = appmeta.core_doctypes() | set(DOCTYPES)
	reports = {data["report_name"] for _path, data in appmeta.json_files("report")}
	workspaces = appmeta.json_files("workspace")
	assert workspaces, "the After Sales workspace is missing"
	for path, data in workspaces:
		for item in data.get("links", []) + data.get("shortcuts", []):
			target = item.get("link_to")
			kind = item.get("link_type") or item.get("type")
			if kind == "DocType":
				assert target in known, f"{path.name}: link to unknown doctype {target}"
			elif kind == "Report":
				assert target in reports or target in known, f"{path.name}: link to unknown report {target}"
		for role in data.get("roles", []):
			assert role["role"] in appmeta.OUR_ROLES | {"System Manager"}
