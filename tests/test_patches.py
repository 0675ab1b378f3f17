"""Every patches.txt entry names a module with an execute() function."""

import appmeta


def patch_lines():
	for raw in (appmeta.PACKAGE / "patches.txt").read_text(encoding="utf-8").splitlines():
		line = raw.split("#", 1)[0].strip()
		if line and not (line.startswith("[") and line.endswith("]")):
			yield line


def test_patches_txt_has_both_sections():
	text = (appmeta.PACKAGE / "patches.txt").read_text(encoding="utf-8")
	assert "[pre_model_sync]" in text and "[post_model_sync]" in text


def test_every_patch_has_execute():
	for line in patch_lines():
		module = line.split()[0]
		if module.startswith("execute:"):
			continue
		path = appmeta.module_path(module)
		assert path, f"patches.txt names missing module {module}"
		assert appmeta.defines(path, "execute"), f"{module} has no execute()"
