"""Chinese is first-class: every string a user can see has a zh translation."""

import appmeta
from babel.messages.pofile import read_po

LOCALE = appmeta.PACKAGE / "locale"


def load(path):
	with path.open("rb") as f:
		return read_po(f)


def zh_translations() -> dict[str, str]:
	"""msgid -> msgstr of the context-free entries in zh.po; Frappe falls back to these for any context."""
	return {m.id: m.string for m in load(LOCALE / "zh.po") if m.id and m.context is None}


def test_pot_and_po_parse():
	assert len(load(LOCALE / "main.pot")) > 0
	assert load(LOCALE / "zh.po").locale.language == "zh"


def test_every_user_visible_string_has_chinese():
	translations = zh_translations()
	strings = appmeta.translatable_strings()
	assert "After Sales Settings" in strings, "the extraction found nothing: this test would prove nothing"
	assert "Repair" in appmeta.seeded_names(), "seeded category names are checked too"
	strings = {**appmeta.unextracted_strings(), **strings}
	assert "Supplier Warranty (Days)" in strings, "custom fields are checked too"
	assert "Supplier Confirmation" in strings, "print formats are checked too"
	missing = {msgid: where for msgid, where in strings.items() if not translations.get(msgid, "").strip()}
	assert not missing, "no zh translation for:\n" + "\n".join(
		f"{w}: {m!r}" for m, w in sorted(missing.items())
	)


def test_placeholders_survive_translation():
	import re

	for msgid, msgstr in zh_translations().items():
		if msgstr:
			assert sorted(re.findall(r"\{\d*\}", msgid)) == sorted(re.findall(r"\{\d*\}", msgstr)), msgid


def test_pot_covers_the_app():
	"""main.pot comes from `bench generate-pot-file`; regenerate it when this fails."""
	pot_ids = {m.id for m in load(LOCALE / "main.pot") if m.id}
	stale = sorted(set(appmeta.translatable_strings()) - pot_ids - set(appmeta.seeded_names()))
	assert not stale, f"main.pot is older than the code; missing {stale[:10]}"
