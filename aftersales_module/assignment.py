"""Assignment Rules applied in bulk: what Frappe's `assignment_rule.apply` does one document at a
time (a ToDo, the document's `_assign`, a desk notification for the assignee, the rule's
`last_user`), done for a whole batch of new documents with a few set-based statements.

It honours the rules as Frappe reads them: the enabled rules of the doctype by priority, their
days, their assign condition, and Round Robin continuing from the rule's `last_user` (Load Balancing
counts the open ToDos once, then keeps the counts as it hands out). Documents that already have an
assignee are left alone, as Frappe leaves them. A rule of another kind (Based on Field) goes
through Frappe's own `apply`, one document at a time.

Rows written this way get no sanitizing from Frappe: the values a rule's description shows are
escaped before it is rendered, and the notification's subject is built from escaped parts. Unlike
Frappe, no email goes with the notification: the assignee sees it in the desk (and a site with no
outgoing email loses nothing)."""

import ast
import json
from collections import defaultdict
from html import escape

import frappe
from frappe import _
from frappe.utils import get_weekday, getdate, now_datetime
from jinja2 import meta, nodes

from aftersales_module.bulk import CHUNK, insert_rows, update_rows
from aftersales_module.mail import insert_notifications

ROUND_ROBIN = "Round Robin"
LOAD_BALANCING = "Load Balancing"


def rules_for(doctype: str) -> list:
	"""The enabled Assignment Rules of `doctype` that apply today, highest priority first."""
	today = frappe.flags.assignment_day or get_weekday()
	rules = []
	for name in frappe.get_all(
		"Assignment Rule",
		filters={"document_type": doctype, "disabled": 0},
		order_by="priority desc",
		pluck="name",
	):
		rule = frappe.get_doc("Assignment Rule", name)
		days = [d.day for d in rule.assignment_days]
		if days and today not in days:
			continue
		rules.append(rule)
	return rules


class Dealer:
	"""Hands out a rule's users as Frappe's rule would, one document after another."""

	def __init__(self, rule):
		self.rule = rule
		self.users = [row.user for row in rule.users]
		self.last = rule.last_user
		self.counts = None

	def next_user(self, row) -> str | None:
		if not self.users:
			return None
		if self.rule.rule == ROUND_ROBIN:
			# as Frappe's get_user_round_robin: after the last user, else (first time, last in the
			# list, or a user no longer in it) the first
			if self.last in self.users[:-1]:
				self.last = self.users[self.users.index(self.last) + 1]
			else:
				self.last = self.users[0]
			return self.last
		if self.rule.rule == LOAD_BALANCING:
			if self.counts is None:
				self.counts = open_todos(self.rule.document_type, self.users)
			user = min(self.users, key=lambda u: self.counts[u])
			self.counts[user] += 1
			self.last = user
			return user
		return None


def open_todos(doctype: str, users: list[str]) -> dict[str, int]:
	todo = frappe.qb.DocType("ToDo")
	counts = dict.fromkeys(users, 0)
	for user, count in (
		frappe.qb.from_(todo)
		.select(todo.allocated_to, frappe.query_builder.functions.Count("*"))
		.where((todo.reference_type == doctype) & (todo.status == "Open") & (todo.allocated_to.isin(users)))
		.groupby(todo.allocated_to)
	).run():
		counts[user] = count
	return counts


def condition_holds(rule, fieldname: str, row: dict, cache: dict | None = None) -> bool:
	"""Frappe's rule.safe_eval: an empty condition holds for assign (none set means every document)
	only where Frappe's own apply_assign treats it so; a failing condition does not hold.

	With `cache` (one batch's), the condition is evaluated by Frappe's safe_eval once per distinct
	set of values of the names it reads: the documents of a batch share a few statuses and kinds,
	and within one batch nothing the condition could read changes (the batch writes afterwards)."""
	condition = rule.get(fieldname)
	if not condition:
		return fieldname == "assign_condition"
	key = None
	if cache is not None:
		names = condition_names(condition)
		if names is not None:
			key = (rule.name, fieldname, *(row.get(name) for name in names))
			try:
				return cache[key]
			except KeyError:
				pass
			except TypeError:  # a value that cannot be a key: evaluate every time
				key = None
	try:
		holds = bool(frappe.safe_eval(condition, None, row))
	except Exception:
		holds = False
	if key is not None:
		cache[key] = holds
	return holds


def condition_names(condition: str) -> tuple[str, ...] | None:
	"""The names a condition reads (fields of the document, or globals such as `frappe`); None
	when it does not parse (safe_eval then refuses it every time)."""
	try:
		tree = ast.parse(condition.strip(), mode="eval")
	except SyntaxError:
		return None
	return tuple(sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}))


def template_fields(source: str) -> set[str] | None:
	"""The document fields a rule's description template reads, or None when that cannot be told
	from the template alone (it includes, imports or extends another)."""
	environment = frappe.get_jenv()
	try:
		parsed = environment.parse(source)
	except Exception:
		return None
	if any(parsed.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends))):
		return None
	return meta.find_undeclared_variables(parsed)


def assign_in_bulk(doctype: str, names: list[str]) -> dict[str, str]:
	"""Assign the documents `names` of `doctype` by its Assignment Rules; {name: user} assigned."""
	if not names:
		return {}
	rules = rules_for(doctype)
	if not rules:
		return {}
	rows = []
	for start in range(0, len(names), CHUNK):
		rows += frappe.get_all(
			doctype, filters={"name": ("in", names[start : start + CHUNK])}, fields=["*"], order_by="name"
		)
	order = {name: i for i, name in enumerate(names)}
	rows.sort(key=lambda row: order[row.name])  # handed out in the order given, as one by one
	dealers = {rule.name: Dealer(rule) for rule in rules}
	templates = {rule.name: frappe.get_jenv().from_string(rule.description or "") for rule in rules}
	# the fields a description shows are escaped for it; the others it never reads
	shown = {rule.name: template_fields(rule.description or "") for rule in rules}
	assigned, todos, per_frappe, evaluated = {}, [], [], {}
	for row in rows:
		if json.loads(row.get("_assign") or "[]"):
			continue  # Frappe applies a rule only to a document nobody holds
		for rule in rules:
			if not condition_holds(rule, "assign_condition", row, evaluated):
				continue
			if rule.rule not in (ROUND_ROBIN, LOAD_BALANCING):
				per_frappe.append(row.name)
				break
			user = dealers[rule.name].next_user(row)
			if not user:
				continue
			fields = shown[rule.name]
			escaped = {
				key: escape(str(value), quote=True) if value is not None else ""
				for key, value in row.items()
				if fields is None or key in fields
			}
			description = templates[rule.name].render(escaped)
			due = row.get(rule.due_date_based_on) if rule.due_date_based_on else None
			todos.append((row, user, rule, description, getdate(due) if due else None))
			assigned[row.name] = user
			break
	write(doctype, todos)
	for rule in rules:
		dealer = dealers[rule.name]
		if dealer.last and dealer.last != rule.last_user:
			frappe.db.set_value("Assignment Rule", rule.name, "last_user", dealer.last, update_modified=False)
			frappe.clear_document_cache("Assignment Rule", rule.name)
	if per_frappe:
		from frappe.automation.doctype.assignment_rule.assignment_rule import apply

		for name in per_frappe:
			apply(doctype=doctype, name=name)
	return assigned


def write(doctype: str, todos: list[tuple]) -> None:
	"""The ToDos, the documents' `_assign` and the assignees' desk notifications, in bulk."""
	if not todos:
		return
	now, by = now_datetime(), frappe.session.user
	insert_rows(
		"ToDo",
		["name", "allocated_to", "description", "reference_name", "date", "assignment_rule"],
		[
			(frappe.generate_hash(length=10), user, description, row.name, due, rule.name)
			for row, user, rule, description, due in todos
		],
		{
			"creation": now,
			"modified": now,
			"owner": by,
			"modified_by": by,
			"docstatus": 0,
			"status": "Open",
			"priority": "Medium",
			"reference_type": doctype,
			"assigned_by": by,
		},
	)
	update_rows(doctype, ["_assign"], {row.name: (json.dumps([user]),) for row, user, *_rest in todos})
	users = frappe.get_all(
		"User",
		filters={"name": ("in", list({user for _row, user, *_rest in todos}))},
		fields=["name", "language", "enabled"],
	)
	users = {user.name: user for user in users}
	by_name = escape(frappe.db.get_value("User", by, "full_name") or by)
	title_field = frappe.get_meta(doctype).get_title_field()
	subjects = defaultdict(dict)
	notifications = []
	for row, user, _rule, description, _due in todos:
		person = users.get(user)
		if user == by or not person or not person.enabled:
			continue
		language = person.language or frappe.local.lang
		template = subjects[language].get("template")
		if template is None:
			template = subjects[language]["template"] = _(
				"{0} assigned a new task {1} {2} to you", lang=language
			).format(f"<b>{by_name}</b>", f"<b>{escape(_(doctype, lang=language))}</b>", "{title}")
		title = escape(str(row.get(title_field) or row.name))
		notifications.append(
			(
				user,
				row.name,
				template.replace("{title}", f'<b class="subject-title">{title}</b>'),
				f"<div>{description}</div>" if description else None,
			)
		)
	insert_notifications(doctype, notifications, now, kind="Assignment", from_user=by)
