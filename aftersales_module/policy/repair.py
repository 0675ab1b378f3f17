"""Rules for repair jobs: status moves, spare-part issue and return caps, who pays, cost and price,
and when an invoice discount needs a manager."""

from dataclasses import dataclass

from aftersales_module.policy.messages import _

OPEN = "Open"
DISPATCHED = "Dispatched"
IN_PROGRESS = "In Progress"
AWAITING_PARTS = "Awaiting Parts"
COMPLETED = "Completed"
INVOICED = "Invoiced"
CLOSED = "Closed"

STATUSES = (OPEN, DISPATCHED, IN_PROGRESS, AWAITING_PARTS, COMPLETED, INVOICED, CLOSED)

# Jobs a technician still works on: parts may be issued against these only (001/10 "见单发料").
WORKING_STATUSES = (OPEN, DISPATCHED, IN_PROGRESS, AWAITING_PARTS)

# Status -> statuses a user may move the job to by hand. Invoiced is set by the Sales Invoice only.
TRANSITIONS = {
	OPEN: (DISPATCHED, CLOSED),
	DISPATCHED: (IN_PROGRESS, AWAITING_PARTS, OPEN, CLOSED),
	IN_PROGRESS: (AWAITING_PARTS, COMPLETED, CLOSED),
	AWAITING_PARTS: (IN_PROGRESS, COMPLETED, CLOSED),
	COMPLETED: (IN_PROGRESS, CLOSED),
	INVOICED: (CLOSED,),
	CLOSED: (),
}

PAID = "Paid"
WARRANTY = "Warranty"
CONTRACT = "Contract"
GOODWILL = "Goodwill"
SERVICE_CLASSES = (PAID, WARRANTY, CONTRACT, GOODWILL)

DEFAULT_DISCOUNT_APPROVAL_PERCENT = 10.0  # an SA may give 10% (001/10)


# Moves a technician (who holds no desk role) may make on the jobs dispatched to them: the work
# itself. Dispatching, sending back and closing are the service desk's (001/3 §6-7).
TECHNICIAN_MOVES = {
	(DISPATCHED, IN_PROGRESS),
	(DISPATCHED, AWAITING_PARTS),
	(IN_PROGRESS, AWAITING_PARTS),
	(IN_PROGRESS, COMPLETED),
	(AWAITING_PARTS, IN_PROGRESS),
	(AWAITING_PARTS, COMPLETED),
	(COMPLETED, IN_PROGRESS),
}


def can_move(current: str, new: str) -> bool:
	"""Whether a user may move a job from `current` to `new` status by hand."""
	return new in TRANSITIONS.get(current, ())


def move_problem(current: str, new: str, technician_only: bool, has_technicians: bool) -> str | None:
	"""Why a user may not move a job from `current` to `new` by hand, or None when they may.
	The message takes the job's name, the current and the new status as {0}, {1}, {2}."""
	if new not in STATUSES or not can_move(current, new):
		return _("Repair Job {0} cannot go from {1} to {2}")
	if technician_only and (current, new) not in TECHNICIAN_MOVES:
		return _("A technician cannot move Repair Job {0} from {1} to {2}; ask the service desk")
	if new == DISPATCHED and not has_technicians:
		return _("Add a technician to Repair Job {0} before dispatching it")
	return None


def service_class_locked(status: str, parts_moved: bool, invoiced: bool) -> bool:
	"""Once a job is dispatched, has parts issued or is invoiced, who pays is settled: only an
	After Sales Manager's action may change its service class."""
	return status != OPEN or parts_moved or invoiced


def can_issue_parts(status: str) -> bool:
	"""Parts go out only against a job that is still being worked on."""
	return status in WORKING_STATUSES


def can_return_parts(status: str) -> bool:
	"""Unused parts may come back until the job is invoiced or closed."""
	return status in (*WORKING_STATUSES, COMPLETED)


def can_undo_parts_move(status: str) -> bool:
	"""A parts Stock Entry may be cancelled while the job is not yet invoiced or closed, so the
	invoice and the closed job's cost never change under them."""
	return status not in (INVOICED, CLOSED)


def company_bears_cost(service_class: str) -> bool:
	"""Warranty, contract and goodwill work is paid by the company: its parts go to the warranty
	expense account."""
	return service_class in (WARRANTY, CONTRACT, GOODWILL)


def can_invoice(service_class: str, status: str) -> bool:
	"""Only a completed paid job is invoiced; warranty, contract and goodwill jobs never are."""
	return service_class == PAID and status == COMPLETED


@dataclass(frozen=True)
class PartLine:
	"""One part row of a job: what was asked for and what stock has moved so far."""

	requested: float
	issued: float = 0.0
	returned: float = 0.0
	is_used: bool = False
	in_van: float = 0.0  # transferred to the technician's van, not yet returned or consumed
	consumed: float = 0.0  # consumed from the van when the job was completed

	@property
	def net_issued(self) -> float:
		return self.issued - self.returned

	@property
	def issued_direct(self) -> float:
		"""Out through Material Issues (already expensed), not returned."""
		return self.net_issued - self.in_van - self.consumed


def unissued_qty(line: PartLine) -> float:
	"""How much of the requested quantity has not been issued yet (never negative)."""
	return max(line.requested - line.net_issued, 0.0)


def issue_exceeds_request(line: PartLine, qty: float) -> bool:
	"""Whether issuing `qty` more would take the net issued quantity over the request; only an
	After Sales Manager may do that."""
	return line.net_issued + qty > line.requested + 1e-9


def returnable_qty(line: PartLine, from_van: bool = False) -> float:
	"""How much of this line may go back to the spare-parts warehouse: from the van, what is in it
	for the job; otherwise what was issued directly and not returned. Consumed parts never go back."""
	qty = line.in_van if from_van else line.issued_direct
	return max(qty, 0.0)


def return_problem(line: PartLine, qty: float, from_van: bool = False) -> str | None:
	"""Why `qty` of this line cannot go back to stock, or None. Used parts never go back
	("拒绝退库"); nothing beyond what is out can come back."""
	if line.is_used:
		return _("Row {0}: {1} is marked as used on the job and cannot go back to stock")
	if qty > returnable_qty(line, from_van) + 1e-9:
		if from_van:
			return _("Row {0}: cannot return {2} of {1} from the van; only {3} is there for this job")
		return _("Row {0}: cannot return {2} of {1}; only {3} is issued and not returned")
	return None


# How a Stock Entry naming a job moves its parts. Direct mode: a Material Issue from the spare-parts
# warehouse (ISSUE) and a Material Receipt back (RETURN). Van mode: a Material Transfer to the
# technician's van (ISSUE) and back (RETURN), then a Material Issue from the van when the job is
# completed (CONSUMPTION), which is when the cost reaches the GL.
MOVE_ISSUE = "Parts Issue"
MOVE_RETURN = "Parts Return"
MOVE_CONSUMPTION = "Parts Consumption"
MATERIAL_ISSUE = "Material Issue"
MATERIAL_RECEIPT = "Material Receipt"
MATERIAL_TRANSFER = "Material Transfer"


def classify_move(
	purpose: str, source: str | None, target: str | None, van_warehouse: str | None
) -> tuple[str | None, bool]:
	"""(move, through the van) of one Stock Entry row naming a job, or (None, False) when the row is
	not a move a job allows. A Material Issue from the van is the job's consumption."""
	van = bool(van_warehouse)
	if purpose == MATERIAL_ISSUE:
		if van and source == van_warehouse:
			return MOVE_CONSUMPTION, True
		return MOVE_ISSUE, False
	if purpose == MATERIAL_RECEIPT:
		return MOVE_RETURN, False
	if purpose == MATERIAL_TRANSFER and van and source != target:
		if target == van_warehouse:
			return MOVE_ISSUE, True
		if source == van_warehouse:
			return MOVE_RETURN, True
	return None, False


def tally_moves(moves: list[tuple[str, str | None, float]]) -> dict[str, float]:
	"""A part's quantities from its submitted moves (purpose, recorded move, qty). Entries made before
	moves were recorded count by purpose. Transfers count as issued and returned; consumption does
	not change what was issued, it empties the van."""
	issued = returned = in_van = consumed = 0.0
	for purpose, move, qty in moves:
		move = move or (MOVE_RETURN if purpose == MATERIAL_RECEIPT else MOVE_ISSUE)
		van = purpose == MATERIAL_TRANSFER
		if move == MOVE_CONSUMPTION:
			consumed += qty
			in_van -= qty
		elif move == MOVE_ISSUE:
			issued += qty
			in_van += qty if van else 0.0
		elif move == MOVE_RETURN:
			returned += qty
			in_van -= qty if van else 0.0
	return {"issued": issued, "returned": returned, "in_van": in_van, "consumed": consumed}


def qty_to_consume(line: PartLine) -> float:
	"""What a completed job consumes from the van: every part still there for it."""
	return max(line.in_van, 0.0)


def can_consume_parts(status: str) -> bool:
	"""Parts in the van are consumed (and expensed) when the job is completed."""
	return status == COMPLETED


def can_undo_consumption(status: str) -> bool:
	"""The consumption of a completed, invoiced or closed job stands; move the job back to work
	on it first, so its cost never disappears under a finished job."""
	return status in WORKING_STATUSES


def consumption_problem(line: PartLine, qty: float) -> str | None:
	"""Why `qty` of this line cannot be consumed from the van, or None."""
	if qty > qty_to_consume(line) + 1e-9:
		return _("Row {0}: cannot consume {2} of {1} from the van; only {3} is there for this job")
	return None


def undo_issue_problem(line: PartLine, qty: float, through_van: bool) -> str | None:
	"""Why an issue of `qty` cannot be cancelled, or None: what it brought must still be out, so
	the job's returns and consumption keep something to stand on."""
	left = line.in_van if through_van else line.issued_direct
	if qty > left + 1e-9:
		return _(
			"Row {0}: {2} of {1} from this entry has since been returned or consumed; cancel those first"
		)
	return None


def line_amount(qty: float, rate: float) -> float:
	return round((qty or 0) * (rate or 0), 2)


def chargeable_part_qty(line: PartLine) -> float:
	"""A paid job charges the parts that left stock and did not come back."""
	return max(line.net_issued, 0.0)


def job_price(
	service_class: str, parts: list[tuple[float, float]], labour: list[tuple[float, float]]
) -> float:
	"""What the customer pays: parts (qty, rate) plus labour (hours, rate); nothing unless Paid."""
	if service_class != PAID:
		return 0.0
	return round(sum(line_amount(q, r) for q, r in parts) + sum(line_amount(h, r) for h, r in labour), 2)


def job_cost(parts_valuation: float, labour: list[tuple[float, float]]) -> float:
	"""What the job costs the company: the stock value of the parts that left stock (from the stock
	ledger) plus labour hours at their rate."""
	return round((parts_valuation or 0) + sum(line_amount(h, r) for h, r in labour), 2)


def discount_percent(list_total: float, net_total: float) -> float:
	"""The discount an invoice gives, in percent of its list-price total."""
	if not list_total or list_total <= 0:
		return 0.0
	return round(max(list_total - net_total, 0.0) * 100.0 / list_total, 4)


def discount_needs_approval(list_total: float, net_total: float, threshold_percent: float | None) -> bool:
	"""A discount above the threshold (default 10%) needs an After Sales Manager (001/14, 001/10)."""
	threshold = DEFAULT_DISCOUNT_APPROVAL_PERCENT if threshold_percent is None else threshold_percent
	return discount_percent(list_total, net_total) > threshold + 1e-9
