from aftersales_module.setup.install import seed_service_escalation
from aftersales_module.tasks.return_visits import plan_missed_before_escalation


def execute():
	"""Sites installed before repair jobs and return visits escalated get their default chains, and
	the visits they had already missed escalate from the end of their last day."""
	seed_service_escalation()
	plan_missed_before_escalation()
