"""Return visits created already past their last day were inserted as Missed with no `missed_on`
and never planned, so they never escalated. Give them `missed_on` at the end of their last day and
plan them, as the creating pass now does."""

from aftersales_module.tasks.return_visits import plan_missed_before_escalation


def execute():
	plan_missed_before_escalation()
