"""The customer portal's plain words and its limits on what a customer sends."""

from aftersales_module.policy import portal as policy

COMPLAINT_STATUSES = (
	"Registered",
	"Classified",
	"Assigned",
	"Investigating",
	"Solution Proposed",
	"Approved",
	"Agreed",
	"In Execution",
	"Resolved",
	"Return Visited",
	"Closed",
	"Invalid",
	"Reopened",
)  # the Complaint Record Lifecycle workflow
from aftersales_module.policy.repair import STATUSES as JOB_STATUSES


def test_every_status_has_a_next_step():
	for status in COMPLAINT_STATUSES:
		assert policy.next_step("Complaint Record", status), status
	for status in JOB_STATUSES:
		assert policy.next_step("Repair Job", status), status
	assert policy.next_step("Product Warranty Claim", "In Repair")


def test_a_done_job_asks_for_a_signature_once():
	assert "sign" in policy.next_step("Repair Job", "Completed", signed=False)
	assert "signed" in policy.next_step("Repair Job", "Completed", signed=True)
	assert policy.can_sign("Completed", False)
	assert not policy.can_sign("Completed", True)
	assert not policy.can_sign("In Progress", False)


def test_photos_are_few_small_images():
	assert policy.photo_problem(1, [1000], ["image/png"]) is None
	assert policy.photo_problem(6, [1] * 6, ["image/png"] * 6)
	assert policy.photo_problem(1, [6 * 1024 * 1024], ["image/png"])
	assert policy.photo_problem(1, [10], ["application/pdf"])
