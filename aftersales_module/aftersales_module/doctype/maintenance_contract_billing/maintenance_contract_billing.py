# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""One billing period of a maintenance contract. The unique key (contract, period start) means a
period is billed once, however many sweeps run; a cancelled invoice leaves the row Cancelled until
someone bills the period again (Bill Again)."""

import frappe

from aftersales_module.guard import AppDocument


class MaintenanceContractBilling(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		company: DF.Link | None
		customer: DF.Link | None
		maintenance_contract: DF.Link
		period_end: DF.Date | None
		period_start: DF.Date
		sales_invoice: DF.Link | None
		status: DF.Literal["Pending", "Invoiced", "Cancelled"]
	# end: auto-generated types

	app_managed_fields = (
		"maintenance_contract",
		"company",
		"customer",
		"period_start",
		"period_end",
		"amount",
		"status",
		"sales_invoice",
	)


def on_doctype_update():
	frappe.db.add_unique(
		"Maintenance Contract Billing",
		["maintenance_contract", "period_start"],
		constraint_name="unique_contract_period",
	)
