"""hooks.py must point only at code that exists: Frappe imports these paths at run time."""

import ast

import appmeta
import pytest

PATH_HOOKS = {
	"after_install",
	"before_install",
	"before_uninstall",
	"after_uninstall",
	"after_migrate",
	"before_migrate",
	"before_tests",
	"after_sync",
	"boot_session",
	"extend_bootinfo",
	"on_session_creation",
	"on_login",
	"on_logout",
	"has_permission",
	"permission_query_conditions",
	"doc_events",
	"scheduler_events",
	"override_doctype_class",
	"override_whitelisted_methods",
	"standard_queries",
	"get_translated_dict",
	"jinja",
	"notification_config",
	"auth_hooks",
	"website_route_rules_hook",
	"aftersales_escalating",
}


def dotted_paths():
	hooks = appmeta.hooks()
	for hook, value in hooks.items():
		if hook not in PATH_HOOKS:
			continue
		for text in appmeta.walk_strings(value):
			if text.startswith(f"{appmeta.APP}."):
				yield hook, text


def test_hooks_has_the_required_metadata():
	hooks = appmeta.hooks()
	assert hooks["app_name"] == appmeta.APP
	assert hooks["required_apps"] == ["frappe/erpnext"], "org/repo form, so install-app asks no git host"
	assert hooks["require_type_annotated_api_methods"] is True
	assert hooks["before_tests"]


def test_there_are_paths_to_check():
	assert list(dotted_paths()), "hooks.py names no dotted path: this check would prove nothing"


@pytest.mark.parametrize("hook,dotted", list(dotted_paths()))
def test_hook_path_resolves(hook, dotted):
	assert appmeta.resolves(dotted), f"hooks.{hook}: {dotted} is not defined in the app"


def test_doc_events_name_real_doctypes_and_events():
	events = {
		"before_insert",
		"after_insert",
		"validate",
		"before_validate",
		"before_save",
		"on_update",
		"before_submit",
		"on_submit",
		"before_cancel",
		"on_cancel",
		"on_trash",
		"after_delete",
		"on_update_after_submit",
		"on_change",
		"before_rename",
		"after_rename",
	}
	known = appmeta.core_doctypes() | set(appmeta.doctypes())
	for doctype, handlers in appmeta.hooks().get("doc_events", {}).items():
		assert doctype == "*" or doctype in known, f"doc_events names unknown doctype {doctype}"
		for event in handlers:
			assert event in events, f"doc_events[{doctype}] has unknown event {event}"


def test_scheduler_events_use_known_frequencies():
	frequencies = {
		"all",
		"hourly",
		"hourly_long",
		"daily",
		"daily_long",
		"weekly",
		"weekly_long",
		"monthly",
		"monthly_long",
		"cron",
	}
	for frequency in appmeta.hooks().get("scheduler_events", {}):
		assert frequency in frequencies, f"unknown scheduler frequency {frequency}"


def test_fixtures_exist_for_every_filtered_record():
	import json

	for fixture in appmeta.hooks().get("fixtures", []):
		doctype = fixture["dt"] if isinstance(fixture, dict) else fixture
		path = appmeta.PACKAGE / "fixtures" / f"{doctype.lower().replace(' ', '_')}.json"
		assert path.exists(), f"fixture {doctype} has no file {path.name}"
		names = {row["name"] for row in json.loads(path.read_text(encoding="utf-8"))}
		for field, op, value in fixture.get("filters", []) if isinstance(fixture, dict) else []:
			if field == "name" and op == "in":
				assert set(value) == names, (
					f"{path.name} holds {sorted(names)}, hooks ask for {sorted(value)}"
				)


def test_bench_commands_are_exported():
	path = appmeta.module_path(f"{appmeta.APP}.commands")
	assert path, "no commands module"
	assert appmeta.defines(path, "commands")
	listed = next(
		node.value
		for node in appmeta.parse(path).body
		if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "commands"
	)
	for element in listed.elts:
		assert appmeta.defines(path, element.id), f"commands lists undefined {element.id}"


def test_resolver_rejects_a_missing_path():
	assert not appmeta.resolves(f"{appmeta.APP}.install.no_such_function")
	assert not appmeta.resolves(f"{appmeta.APP}.no_such_module.fn")
	assert appmeta.resolves(f"{appmeta.APP}.tests.utils.before_tests")
