"""How the scheduled sweeps behave next to users and to each other.

- **READ COMMITTED.** A sweep selects what is due with a locking read over a range of an index
  (`next_escalation_at <= now`, `deadline < now`, …). At MariaDB's default REPEATABLE READ that read
  also locks the gaps of the range and the gap after it, where a clerk's new complaint goes: the
  clerk's save waited until the sweep committed (seconds, with a backlog). The sweeps' own safety
  rests on row locks (`SKIP LOCKED`) and unique keys, not on gap locks, so `before_job` runs them at
  READ COMMITTED, which takes no gap locks. Not where the binary log is statement-based: InnoDB
  refuses writes at READ COMMITTED there.
- **A deadlock loses the whole transaction.** InnoDB resolves a deadlock by rolling back the victim's
  transaction, savepoints included, so a step cannot be undone alone any more (MariaDB answers a
  rollback to its savepoint with error 1305, which used to hide the deadlock in the Error Log).
  `step` lets that error through, and `retried` runs the whole sweep again on a new transaction.
  Frappe's own retry of a deadlocked job does not catch `frappe.QueryDeadlockError` in v15, and a
  scheduled job's errors never reach it."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import frappe

RUN_SCHEDULED_JOB = "frappe.core.doctype.scheduled_job_type.scheduled_job_type.run_scheduled_job"
ATTEMPTS = 3


def before_job(method: str | None = None, kwargs: dict | None = None, transaction_type: str | None = None):
	"""Frappe's `before_job` hook: the app's scheduled sweeps run at READ COMMITTED."""
	target = (kwargs or {}).get("job_type") if method == RUN_SCHEDULED_JOB else method
	if target in sweep_methods() and statement_binlog_allows_read_committed():
		frappe.db.sql("set session transaction isolation level read committed")
		frappe.db.commit()  # the next transaction, the job's, starts at the new level


def sweep_methods() -> set[str]:
	events = frappe.get_hooks("scheduler_events", app_name="aftersales_module")
	methods = set()
	for value in events.values():
		for entry in value.values() if isinstance(value, dict) else [value]:
			methods.update(entry if isinstance(entry, list) else [entry])
	return methods


def statement_binlog_allows_read_committed() -> bool:
	log_bin, binlog_format = frappe.db.sql("select @@log_bin, @@binlog_format")[0]
	return not (int(log_bin or 0) and str(binlog_format).upper() == "STATEMENT")


def lost_transaction(error: BaseException | None) -> bool:
	"""Whether `error`, or one raised while handling it, is a deadlock: MariaDB rolled back the whole
	transaction."""
	seen = set()
	while error is not None and id(error) not in seen:
		seen.add(id(error))
		if isinstance(error, frappe.QueryDeadlockError):
			return True
		error = error.__cause__ or error.__context__
	return False


@contextmanager
def step(savepoint: str, title: str) -> Iterator[None]:
	"""One step of a sweep: when it fails, only its own writes are undone and the error is logged
	under `title`; the sweep goes on with the next step. A deadlock is raised on (see `retried`)."""
	frappe.db.savepoint(savepoint)
	try:
		yield
	except Exception as error:
		if lost_transaction(error):
			raise
		frappe.db.rollback(save_point=savepoint)
		frappe.log_error(title=title)


def retried(run: Callable, *args, **kwargs):
	"""`run(*args, **kwargs)`; when a deadlock rolled its transaction back, roll back and run it again
	(ATTEMPTS in all). A sweep is idempotent, so a second run does what the first could not."""
	for attempt in range(1, ATTEMPTS + 1):
		try:
			return run(*args, **kwargs)
		except Exception as error:
			if attempt == ATTEMPTS or not lost_transaction(error):
				raise
			frappe.db.rollback()
			time.sleep(attempt)
