from aftersales_module.setup.install import seed_service_escalation


def execute():
	"""Sites installed before repair jobs and return visits escalated get their default chains."""
	seed_service_escalation()
