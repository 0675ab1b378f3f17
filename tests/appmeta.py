"""Read the app the way Frappe will, without importing frappe: hooks, doctypes, workspaces,
reports, patches, whitelisted methods and translatable strings."""

import ast
import json
import re
import runpy
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "aftersales_module"
PACKAGE = ROOT / APP
MODULE_DIR = PACKAGE / "aftersales_module"
OUR_ROLES = {"After Sales Manager", "After Sales User", "Service Technician"}

# Select options that Frappe's extractor leaves out (frappe/gettext/extractors/doctype.py).
UNTRANSLATED_SELECT_FIELDS = {"naming_series", "number_format", "float_precision", "currency_precision"}


def python_files():
	return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def js_files():
	return sorted(p for p in PACKAGE.rglob("*.js") if "node_modules" not in p.parts)


@cache
def parse(path: Path) -> ast.Module:
	return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def hooks() -> dict:
	"""hooks.py's top-level names, evaluated as Frappe does: by running it (it may derive values,
	such as the fixtures from fixtures/, but imports nothing of Frappe)."""
	sys.path.insert(0, str(ROOT))
	try:
		values = runpy.run_path(str(PACKAGE / "hooks.py"))
	finally:
		sys.path.remove(str(ROOT))
	return {name: value for name, value in values.items() if not name.startswith("_") and not callable(value)}


def module_path(dotted_module: str) -> Path | None:
	"""The file of a dotted module inside this repository, or None."""
	base = ROOT.joinpath(*dotted_module.split("."))
	for candidate in (base.with_suffix(".py"), base / "__init__.py"):
		if candidate.exists():
			return candidate
	return None


def defines(path: Path, qualname: str) -> bool:
	"""Whether the module at `path` defines `qualname` (a function, class, Class.method or name)."""
	scope = parse(path).body
	parts = qualname.split(".")
	for i, part in enumerate(parts):
		found = None
		for node in scope:
			if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == part:
				found = node
			elif isinstance(node, ast.Assign) and any(
				isinstance(t, ast.Name) and t.id == part for t in node.targets
			):
				found = node
			elif isinstance(node, ast.ImportFrom) and any(
				(alias.asname or alias.name) == part for alias in node.names
			):
				found = node
		if found is None:
			return False
		if i < len(parts) - 1:
			if not isinstance(found, ast.ClassDef):
				return False
			scope = found.body
	return True


def resolves(dotted: str) -> bool:
	"""Whether `dotted` names a module attribute defined in this repository."""
	parts = dotted.split(".")
	for split in range(len(parts) - 1, 0, -1):
		path = module_path(".".join(parts[:split]))
		if path:
			return defines(path, ".".join(parts[split:]))
	return False


def walk_strings(value):
	if isinstance(value, str):
		yield value
	elif isinstance(value, dict):
		for item in value.values():
			yield from walk_strings(item)
	elif isinstance(value, list | tuple):
		for item in value:
			yield from walk_strings(item)


@cache
def doctypes() -> dict[str, dict]:
	"""Doctype name -> its JSON, for every doctype folder of the app."""
	found = {}
	for path in sorted(MODULE_DIR.glob("doctype/*/*.json")):
		if path.stem == path.parent.name:
			data = json.loads(path.read_text(encoding="utf-8"))
			data["__path__"] = path
			found[data["name"]] = data
	return found


def doctype_folders():
	return sorted(p for p in (MODULE_DIR / "doctype").iterdir() if p.is_dir() and p.name != "__pycache__")


@cache
def core_doctypes() -> frozenset[str]:
	lines = (ROOT / "tests" / "core_doctypes.txt").read_text(encoding="utf-8").splitlines()
	return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def json_files(kind: str) -> list[tuple[Path, dict]]:
	"""(path, data) of every `<kind>/<name>/<name>.json` in the module (workspace, report …)."""
	out = []
	for path in sorted(MODULE_DIR.glob(f"{kind}/*/*.json")):
		if path.stem == path.parent.name:
			out.append((path, json.loads(path.read_text(encoding="utf-8"))))
	return out


def whitelisted_functions():
	"""(path, function node) for every function decorated with frappe.whitelist."""
	for path in python_files():
		for node in ast.walk(parse(path)):
			if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
				for deco in node.decorator_list:
					target = deco.func if isinstance(deco, ast.Call) else deco
					if ast.unparse(target) in ("frappe.whitelist", "whitelist"):
						yield path, node


def untyped_parameters(func: ast.FunctionDef) -> list[str]:
	"""Parameters of `func` (other than self/cls) without a type annotation."""
	args = func.args
	params = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]
	return [p.arg for p in params if p.annotation is None and p.arg not in ("self", "cls")]


def seeded_names() -> list[str]:
	"""Names of the Complaint Categories a new site gets; shown translated (translated_doctype),
	so they need Chinese although no gettext extractor sees them."""
	for node in parse(PACKAGE / "setup" / "install.py").body:
		if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "COMPLAINT_CATEGORIES":
			return [name for name, _description in ast.literal_eval(node.value)]
	return []


def unextracted_strings() -> dict[str, str]:
	"""msgid -> where, for text `bench generate-pot-file` does not extract but Frappe translates at
	run time from the app's zh.po all the same: the labels, descriptions and options of the custom
	fields the app ships on ERPNext doctypes, and the `_()` text of its print formats."""
	found: dict[str, str] = {}

	def add(message, where):
		if message and message.strip():
			found.setdefault(message, where)

	fixtures = PACKAGE / "fixtures" / "custom_field.json"
	for field in json.loads(fixtures.read_text(encoding="utf-8")):
		where = f"{fixtures.relative_to(ROOT)} ({field['dt']}.{field['fieldname']})"
		add(field.get("label"), where)
		add(field.get("description"), where)
		if field.get("fieldtype") == "Select":
			for option in (field.get("options") or "").split("\n"):
				add(option, where)
	for path, data in json_files("print_format"):
		for match in re.finditer(r"""_\(\s*(["'])(.+?)\1\s*\)""", data.get("html") or ""):
			add(match.group(2), str(path.relative_to(ROOT)))
	# the portal's and the survey's pages: Jinja `_()` and their scripts' `__()`
	for path in sorted((PACKAGE / "www").rglob("*.html")):
		text = path.read_text(encoding="utf-8")
		for match in re.finditer(r"""(?<![\w.])_{1,2}\(\s*(["'])(.+?)\1\s*[,)]""", text):
			add(match.group(2), str(path.relative_to(ROOT)))
	return found


def translatable_strings() -> dict[str, str]:
	"""msgid -> where it comes from, the way `bench generate-pot-file` finds them."""
	found: dict[str, str] = {}

	def add(message, where):
		if message and message.strip():
			found.setdefault(message, where)

	for name, data in doctypes().items():
		where = str(data["__path__"].relative_to(ROOT))
		add(name, where)
		add(data.get("description"), where)
		for field in data.get("fields", []):
			add(field.get("label"), where)
			add(field.get("description"), where)
			if (
				field.get("fieldtype") == "Select"
				and field.get("fieldname") not in UNTRANSLATED_SELECT_FIELDS
			):
				for option in (field.get("options") or "").split("\n"):
					if option and not option.isdigit():
						add(option, where)
		for permission in data.get("permissions", []):
			add(permission.get("role"), where)
		for link in data.get("links", []):
			add(link.get("group"), where)
			add(link.get("link_doctype"), where)

	for path, data in json_files("workspace"):
		where = str(path.relative_to(ROOT))
		add(data.get("label"), where)
		for key in ("charts", "number_cards", "links", "shortcuts", "quick_lists"):
			for item in data.get(key, []):
				add(item.get("label"), where)
				if key == "links":
					add(item.get("description"), where)
				if key == "shortcuts":
					add(item.get("format"), where)
		for block in json.loads(data.get("content") or "[]"):
			if block.get("type") in ("header", "paragraph"):
				add(block.get("data", {}).get("text"), where)

	for path, data in json_files("report"):
		add(data.get("report_name"), str(path.relative_to(ROOT)))

	for path in python_files():
		for node in ast.walk(parse(path)):
			if (
				isinstance(node, ast.Call)
				and ast.unparse(node.func) in ("_", "_lt", "frappe._")
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and isinstance(node.args[0].value, str)
			):
				add(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")

	for name in seeded_names():
		add(name, "aftersales_module/setup/install.py (COMPLAINT_CATEGORIES)")

	from babel.messages.extract import extract_javascript

	for path in js_files():
		with path.open("rb") as f:
			for lineno, _func, message, _comments in extract_javascript(f, {"__": None}, [], {}):
				text = message[0] if isinstance(message, tuple) else message
				add(text, f"{path.relative_to(ROOT)}:{lineno}")
		# babel's extractor does not look inside template literals (`<b>${__("Open Cases")}</b>`)
		for match in re.finditer(
			r"""(?<![\w.])__\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]""", path.read_text(encoding="utf-8")
		):
			add(match.group(2), str(path.relative_to(ROOT)))
	return found
