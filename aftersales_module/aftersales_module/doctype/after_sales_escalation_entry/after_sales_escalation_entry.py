# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

from aftersales_module.guard import AppDocument


class AfterSalesEscalationEntry(AppDocument):
	"""A row of the escalation log of a Repair Job or a Return Visit; the engine writes it."""
