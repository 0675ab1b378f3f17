"""Translatable messages produced by policy functions.

`_` only marks a string for gettext extraction (like gettext_noop); the caller translates it
with `frappe._` and formats it with the problem's arguments.
"""

from dataclasses import dataclass, field


def _(message: str) -> str:
	return message


@dataclass(frozen=True)
class Problem:
	"""One broken rule: which field, what is wrong, and the values to format into the message.

	In `message`, {0} stands for the field's label, which the caller fills in (translated);
	`args` fill {1}, {2} and on.
	"""

	fieldname: str
	message: str
	args: tuple = field(default_factory=tuple)
