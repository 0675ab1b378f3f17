"""Rules the code keeps: pure policy, typed whitelisted methods."""

import ast

import appmeta


def test_policy_never_imports_frappe():
	policy_files = sorted((appmeta.PACKAGE / "policy").rglob("*.py"))
	assert policy_files
	for path in policy_files:
		for node in ast.walk(appmeta.parse(path)):
			names = []
			if isinstance(node, ast.Import):
				names = [alias.name for alias in node.names]
			elif isinstance(node, ast.ImportFrom):
				names = [node.module or ""]
			for name in names:
				assert not (name == "frappe" or name.startswith(("frappe.", "erpnext"))), (
					f"{path.relative_to(appmeta.ROOT)} imports {name}"
				)


def test_whitelisted_methods_annotate_every_parameter():
	for path, func in appmeta.whitelisted_functions():
		untyped = appmeta.untyped_parameters(func)
		assert not untyped, (
			f"{path.relative_to(appmeta.ROOT)}:{func.lineno} {func.name}: no type for {untyped}"
		)


def test_untyped_parameter_is_caught():
	module = ast.parse("def f(self, a, b: int, *rest, c=1, **kw: str):\n\treturn a\n")
	assert appmeta.untyped_parameters(module.body[0]) == ["a", "c", "rest"]
