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


def module_imports() -> dict[str, set[str]]:
	"""Each app module and the app modules it imports (at any depth in the file, TYPE_CHECKING
	blocks aside: those are types only, never run)."""
	graph = {}
	for path in sorted(appmeta.PACKAGE.rglob("*.py")):
		module = ".".join(path.relative_to(appmeta.ROOT).with_suffix("").parts)
		module = module.removesuffix(".__init__")
		tree = appmeta.parse(path)
		skip = {
			id(child)
			for node in ast.walk(tree)
			if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
			for child in ast.walk(node)
		}
		found = set()
		for node in ast.walk(tree):
			if id(node) in skip:
				continue
			if isinstance(node, ast.Import):
				found.update(alias.name for alias in node.names)
			elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
				found.add(node.module)
				found.update(f"{node.module}.{alias.name}" for alias in node.names)
		graph[module] = {name for name in found if name.startswith(f"{appmeta.APP}.")}
	return {
		module: {name for name in names if name in graph and name != module}
		for module, names in graph.items()
	}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
	state, stack = {}, []

	def visit(module):
		state[module] = "open"
		stack.append(module)
		for name in sorted(graph.get(module, ())):
			if state.get(name) == "open":
				return [*stack[stack.index(name) :], name]
			if name not in state and (cycle := visit(name)):
				return cycle
		state[module] = "done"
		stack.pop()
		return None

	for module in sorted(graph):
		if module not in state and (cycle := visit(module)):
			return cycle
	return None


def test_no_module_imports_a_module_that_imports_it_back():
	graph = module_imports()
	assert len(graph) > 40 and any(graph.values()), "the import graph was not read"
	assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph))}"


def test_a_cycle_is_found():
	assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
	assert find_cycle({"a": {"b"}, "b": set()}) is None
