"""Rules for warranty: when a warranty starts and ends, and whether a claim is covered."""

from datetime import date, timedelta

from aftersales_module.policy.messages import _

DELIVERY_DATE = "Delivery Date"
INVOICE_DATE = "Invoice Date"
START_BASES = (DELIVERY_DATE, INVOICE_DATE)

IN_WARRANTY = "In Warranty"
UNDER_CONTRACT = "Under Contract"
OUT_OF_WARRANTY = "Out of Warranty"

ACTIVE = "Active"
EXPIRED = "Expired"
VOID = "Void"

REPAIR = "Repair"
REPLACEMENT = "Replacement"
CREDIT_NOTE = "Credit Note"
REJECTED = "Rejected"


def start_date(basis: str, delivery_date: date, invoice_date: date | None = None) -> date:
	"""The day the warranty starts: the invoice date when the settings say so and the unit has been
	invoiced, otherwise the delivery date."""
	if basis == INVOICE_DATE and invoice_date:
		return invoice_date
	return delivery_date


def end_date(start: date, warranty_days: int) -> date:
	"""The last day of cover, as ERPNext counts it (Serial No warranty_expiry_date = start + period)."""
	return start + timedelta(days=int(warranty_days))


def has_warranty(warranty_days) -> bool:
	"""Items without a positive warranty period (Item.warranty_period, days) get no registration."""
	try:
		return int(warranty_days or 0) > 0
	except (TypeError, ValueError):
		return False


def status_on(end: date, today: date) -> str:
	return ACTIVE if today <= end else EXPIRED


def claim_date_problem(claim_date: date, entered_on: date, may_backdate: bool) -> str | None:
	"""A claim is dated the day it is made. A later date is refused; an earlier one would buy
	warranty coverage after the end, so only an After Sales Manager may backdate (and it is logged).
	The message takes the claim date and the day the claim was entered as {0} and {1}."""
	if claim_date > entered_on:
		return _("The claim date {0} is in the future; a claim is dated the day it is made ({1})")
	if claim_date < entered_on and not may_backdate:
		return _(
			"Only an After Sales Manager can date a claim {0}, before the day it was entered ({1}): backdating decides warranty coverage"
		)
	return None


def registration_days(
	warranty_days: int | None, item_days: int | None, start: date | None, end: date | None
) -> int | None:
	"""The warranty days of a registration made by hand: as entered, else from the dates given,
	else the item's warranty period. None when none of them is known."""
	if warranty_days:
		return int(warranty_days)
	if start and end and end >= start:
		return (end - start).days
	if item_days:
		return int(item_days)
	return None


def coverage(claim_date: date, warranty_end: date | None, contract_end: date | None = None) -> str:
	"""In warranty while the claim date is on or before the warranty's end; otherwise under contract
	while a maintenance contract (Serial No amc_expiry_date) runs; otherwise out of warranty."""
	if warranty_end and claim_date <= warranty_end:
		return IN_WARRANTY
	if contract_end and claim_date <= contract_end:
		return UNDER_CONTRACT
	return OUT_OF_WARRANTY


def service_class_for(cover: str, goodwill: bool) -> str:
	"""The service class of the repair job a claim opens."""
	if cover == IN_WARRANTY:
		return "Warranty"
	if cover == UNDER_CONTRACT:
		return "Contract"
	return "Goodwill" if goodwill else "Paid"


def claim_problem(
	cover: str,
	resolution: str | None,
	goodwill_approved: bool,
	goodwill_reason: str | None,
	rejection_reason: str | None,
) -> str | None:
	"""Why a claim cannot be submitted as it stands, or None."""
	if not resolution:
		return _("Choose a resolution for Product Warranty Claim {0}")
	if resolution == REJECTED:
		if not (rejection_reason or "").strip():
			return _("Give the reason for rejecting Product Warranty Claim {0}")
		return None
	if cover == OUT_OF_WARRANTY:
		if not goodwill_approved:
			return _(
				"Product Warranty Claim {0} is out of warranty: an After Sales Manager must approve goodwill, or reject it"
			)
		if not (goodwill_reason or "").strip():
			return _("Give the reason for the goodwill on Product Warranty Claim {0}")
	return None
