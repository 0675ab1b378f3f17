"""What the customer portal says about a case: the next step in plain words, by status. The words are
the customer's view: no handler, no fault, no cost (requirements §3: the customer is told what
happens next, 001/1, 001/3)."""

from aftersales_module.policy.messages import _

# Complaint Record status -> what the customer can expect next.
COMPLAINT_NEXT = {
	"Registered": _("We have your complaint and will classify it within one working day."),
	"Classified": _("Your complaint is being passed to the department that will handle it."),
	"Assigned": _("A handler has your complaint and will contact you."),
	"Investigating": _("We are looking into the cause."),
	"Solution Proposed": _("We are preparing a solution for you."),
	"Approved": _("A solution is approved; we will contact you to agree on it."),
	"Agreed": _("We are carrying out the agreed solution."),
	"In Execution": _("We are carrying out the agreed solution."),
	"Resolved": _("Solved. We will call you to check that you are satisfied."),
	"Return Visited": _("Solved and followed up. Thank you for your feedback."),
	"Closed": _("Closed."),
	"Invalid": _("Closed: we could not accept this complaint. Contact us if you disagree."),
	"Reopened": _("Reopened: we are looking into it again."),
}

# Product Warranty Claim status -> next step.
CLAIM_NEXT = {
	"Draft": _("We have your claim and are checking the warranty."),
	"In Repair": _("Covered: a repair job is open for your unit."),
	"In Exchange": _("Covered: your unit is being exchanged."),
	"Credited": _("Covered: a credit note was issued."),
	"Rejected": _("Not covered. Contact us if you disagree."),
	"Cancelled": _("Cancelled."),
}

# Repair Job status -> next step.
JOB_NEXT = {
	"Open": _("We will schedule a technician."),
	"Dispatched": _("A technician is scheduled."),
	"In Progress": _("The technician is working on it."),
	"Awaiting Parts": _("We are waiting for spare parts."),
	"Completed": _("Done. Please sign to confirm the repair."),
	"Invoiced": _("Done and invoiced."),
	"Closed": _("Closed."),
}

NEXT = {"Complaint Record": COMPLAINT_NEXT, "Product Warranty Claim": CLAIM_NEXT, "Repair Job": JOB_NEXT}

SIGNABLE_JOB_STATUSES = ("Completed", "Invoiced")
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


def next_step(doctype: str, status: str | None, signed: bool = False) -> str:
	"""The next step of a case in plain words (untranslated msgid; the caller translates)."""
	if doctype == "Repair Job" and status in SIGNABLE_JOB_STATUSES and signed:
		return _("Done and signed. Thank you.")
	return NEXT.get(doctype, {}).get(status or "", "")


def can_sign(status: str | None, signed: bool) -> bool:
	"""A customer signs a repair once it is done, and only once."""
	return status in SIGNABLE_JOB_STATUSES and not signed


def photo_problem(count: int, sizes: list[int], types: list[str]) -> str | None:
	"""Why the attached photos are refused, or None."""
	if count > MAX_PHOTOS:
		return _("Attach at most {0} photos")
	if any(size > MAX_PHOTO_BYTES for size in sizes):
		return _("Each photo must be at most {0} MB")
	if any(kind not in PHOTO_TYPES for kind in types):
		return _("Only JPEG, PNG, WebP or GIF photos can be attached")
	return None
