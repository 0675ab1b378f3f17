# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Warranty parts and labour claimed back from the maker or supplier (requirements §6; 001/10 §8-9).

The daily sweep (tasks/supplier_claims.py) proposes one draft per supplier and period. A claim is
signed by an After Sales Manager, and above the settings' limit also by the second role, never the
same person; submitting sends it. The supplier answers per line (accepted, partly accepted,
rejected), and booking the answer makes a Debit Note or a Journal Entry that credits the warranty
expense account. Cancelling cancels the booking and the samples' stock entry, and frees the parts
for an amended claim. What a line claims is recomputed from the job on every save: its cost from the
part's stock entries, its labour from the job's hours at the supplier's rate."""

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from aftersales_module.aftersales_module.doctype.supplier_warranty_claim import recovery
from aftersales_module.guard import AppDocument, app_write
from aftersales_module.policy import supplier_claims as policy
from aftersales_module.roles import is_manager, roles_of
from aftersales_module.settings import get_settings

DOCTYPE = "Supplier Warranty Claim"
ITEM = "Supplier Warranty Claim Item"


def supplier_terms(supplier: str) -> frappe._dict:
	"""The settings' row for `supplier`: labour rate, how recovery is booked and samples returned."""
	row = frappe.db.get_value(
		"After Sales Supplier Terms",
		{"parent": "After Sales Settings", "supplier": supplier},
		["labour_rate", "booking", "return_by", "claim_account"],
		as_dict=True,
	)
	return row or frappe._dict(
		labour_rate=0.0, booking=policy.DEBIT_NOTE, return_by=policy.MATERIAL_TRANSFER, claim_account=None
	)


class SupplierWarrantyClaim(AppDocument):
	app_managed_fields = (
		"status",
		"first_approver",
		"first_approved_on",
		"second_approver",
		"second_approved_on",
		"return_stock_entry",
		"return_purchase_receipt",
		"debit_note",
		"journal_entry",
		"total_accepted",
		"proposal_key",
	)

	def onload(self):
		self.set_onload("approvals_needed", self.approvals_needed())

	def approvals_needed(self) -> int:
		return policy.approvals_needed(
			flt(self.total_claimed), flt(get_settings().supplier_claim_approval_limit)
		)

	def validate(self):
		if self.docstatus == 0:
			self.price_lines()
			if self.status != policy.DRAFT and self.has_value_changed("total_claimed") and not self.is_new():
				frappe.throw(
					_("Supplier Warranty Claim {0} is approved: its claimed total cannot change").format(
						self.name
					)
				)
		self.check_outcomes()

	def price_lines(self):
		"""Each line's key, cost and labour from the job; the claim's total."""
		jobs = {row.repair_job for row in self.items if row.repair_job}
		job_values = (
			{
				row.name: row
				for row in frappe.get_all(
					"Repair Job",
					filters={"name": ("in", list(jobs))},
					fields=["name", "service_class", "company", "status"],
				)
			}
			if jobs
			else {}
		)
		parts = (
			{
				row.name: row
				for row in frappe.get_all(
					"Repair Job Part",
					filters={"parent": ("in", list(jobs)), "parenttype": "Repair Job"},
					fields=[
						"name",
						"parent",
						"item_code",
						"valuation_amount",
						"issued_qty",
						"returned_qty",
						"van_qty",
					],
				)
			}
			if jobs
			else {}
		)
		hours = (
			dict(
				frappe.get_all(
					"Repair Job Labour",
					filters={"parent": ("in", list(jobs)), "parenttype": "Repair Job"},
					fields=["parent", "sum(hours) as hours"],
					group_by="parent",
					as_list=True,
				)
			)
			if jobs
			else {}
		)
		rate = flt(supplier_terms(self.supplier).labour_rate) if self.supplier else 0.0
		seen = set()
		for row in self.items:
			job = job_values.get(row.repair_job)
			if not job:
				continue  # Frappe's link check names it
			if job.service_class not in policy.CLAIMABLE_SERVICE_CLASSES:
				frappe.throw(
					_("Row {0}: Repair Job {1} is {2} work, which no supplier is claimed for").format(
						row.idx, job.name, _(job.service_class)
					)
				)
			if job.company != self.company:
				frappe.throw(
					_("Row {0}: Repair Job {1} belongs to {2}, not {3}").format(
						row.idx, job.name, job.company, self.company
					)
				)
			part = parts.get(row.part_row) if row.part_row else None
			if row.part_row and (not part or part.parent != job.name):
				frappe.throw(_("Row {0}: the part is not on Repair Job {1}").format(row.idx, job.name))
			if part:
				row.item_code = part.item_code
				used = flt(part.issued_qty) - flt(part.returned_qty) - flt(part.van_qty)
				row.qty = row.qty if 0 < flt(row.qty) <= used else used
				row.cost = flt(part.valuation_amount) * (flt(row.qty) / used if used else 0)
				row.labour_hours = row.labour_rate = 0
				row.claimed_amount = flt(row.cost, 2)
			else:
				row.cost = 0
				row.labour_hours = flt(hours.get(job.name))
				row.labour_rate = rate
				row.claimed_amount = policy.labour_amount(row.labour_hours, rate)
			row.claim_key = policy.claim_key(row.repair_job, row.part_row)
			if row.claim_key in seen:
				frappe.throw(_("Row {0}: this work is on the claim twice").format(row.idx))
			seen.add(row.claim_key)
		self.check_claimed_elsewhere()
		self.total_claimed = flt(sum(flt(row.claimed_amount) for row in self.items), 2)

	def check_claimed_elsewhere(self):
		keys = [row.claim_key for row in self.items if row.claim_key]
		if not keys:
			return
		item = frappe.qb.DocType(ITEM)
		taken = (
			frappe.qb.from_(item)
			.select(item.claim_key, item.parent)
			.where(item.claim_key.isin(keys) & (item.parent != (self.name or "")))
			.run()
		)
		if taken:
			key, claim = taken[0]
			frappe.throw(
				_(
					"{0} is already claimed on Supplier Warranty Claim {1}: a job's part is claimed once"
				).format(key, claim),
				frappe.DuplicateEntryError,
			)

	def check_outcomes(self):
		accepted_total = 0.0
		for row in self.items:
			if self.docstatus == 0 and (row.outcome or flt(row.accepted_amount)):
				frappe.throw(
					_("Row {0}: the supplier answers a claim after it is sent (submitted)").format(row.idx)
				)
			row.accepted_amount = policy.accepted_for(
				row.outcome, flt(row.claimed_amount), flt(row.accepted_amount)
			)
			problem = policy.outcome_problem(
				row.outcome, flt(row.claimed_amount), flt(row.accepted_amount), row.rejection_reason
			)
			if problem:
				frappe.throw(
					_("Row {0}: {1}").format(
						row.idx,
						_(problem.message).format(_(row.meta.get_label(problem.fieldname)), *problem.args),
					)
				)
			accepted_total += flt(row.accepted_amount)
		with app_write():
			self.total_accepted = flt(accepted_total, 2)

	def before_update_after_submit(self):
		if self.debit_note or self.journal_entry:
			before = self.get_doc_before_save()
			if before and supplier_answers(before) != supplier_answers(self):
				frappe.throw(
					_(
						"Supplier Warranty Claim {0} is booked: cancel and amend it to change the supplier's answer"
					).format(self.name)
				)
		self.check_outcomes()

	def before_submit(self):
		if self.status != policy.APPROVED:
			frappe.throw(
				_("Supplier Warranty Claim {0} needs its approval before it is sent ({1})").format(
					self.name, _(self.status)
				),
				frappe.PermissionError,
			)
		with app_write():
			self.status = policy.CLAIMED
			self.proposal_key = None

	def vouchers(self) -> list[tuple[str, str]]:
		"""The submitted documents the claim made: its booking and its samples' movement."""
		made = []
		for doctype, fieldname in (
			("Purchase Invoice", "debit_note"),
			("Journal Entry", "journal_entry"),
			("Stock Entry", "return_stock_entry"),
			("Purchase Receipt", "return_purchase_receipt"),
		):
			name = self.get(fieldname)
			if name and frappe.db.get_value(doctype, name, "docstatus") == 1:
				made.append((doctype, name))
		return made

	def before_cancel(self):
		for doctype, name in self.vouchers():
			if not frappe.has_permission(doctype, "cancel", name):
				frappe.throw(
					_("Cancelling {0} cancels {1} {2}, which you may not cancel").format(
						self.name, _(doctype), name
					),
					frappe.PermissionError,
				)

	def on_cancel(self):
		# the claim is cancelled in the database by now, so its vouchers no longer count as linked
		with app_write():
			for doctype, name in self.vouchers():
				frappe.get_doc(doctype, name).cancel()
			self.db_set("status", policy.CANCELLED)
		# the parts go free for an amended claim: a job's part is claimed once, by a live claim
		item = frappe.qb.DocType(ITEM)
		frappe.qb.update(item).set(item.claim_key, None).where(item.parent == self.name).run()

	def approve(self):
		settings = get_settings()
		user = frappe.session.user
		second_role = settings.supplier_claim_second_role or "General Manager"
		if self.docstatus != 0 or self.status not in (policy.DRAFT, policy.AWAITING_SECOND):
			frappe.throw(
				_("Supplier Warranty Claim {0} is {1}: nothing to approve").format(self.name, _(self.status))
			)
		problem = policy.approval_problem(
			flt(self.total_claimed),
			flt(settings.supplier_claim_approval_limit),
			self.first_approver,
			user,
			is_manager(user),
			second_role in roles_of(user),
			second_role,
		)
		if problem:
			frappe.throw(_(problem).format(_(second_role)), frappe.PermissionError, title=_("Not allowed"))
		with app_write():
			if not self.first_approver:
				self.first_approver, self.first_approved_on = user, now_datetime()
				approvals = 1
			else:
				self.second_approver, self.second_approved_on = user, now_datetime()
				approvals = 2
			self.status = policy.status_after_approval(
				flt(self.total_claimed), flt(settings.supplier_claim_approval_limit), approvals
			)
			self.save()

	def send_samples(self) -> str:
		"""Move the returned samples to the Supplier Returns warehouse (a Material Transfer from the
		returns warehouse), or hand them back on a Purchase Return of their receipt."""
		if self.docstatus != 1:
			frappe.throw(
				_("Send the samples of Supplier Warranty Claim {0} once it is submitted").format(self.name)
			)
		if self.return_stock_entry or self.return_purchase_receipt:
			frappe.throw(_("The samples of Supplier Warranty Claim {0} are already sent").format(self.name))
		lines = [row for row in self.items if row.returned_sample and row.item_code and flt(row.qty) > 0]
		if not lines:
			frappe.throw(_("No line of Supplier Warranty Claim {0} has a sample to return").format(self.name))
		with app_write():
			if supplier_terms(self.supplier).return_by == policy.PURCHASE_RETURN:
				self.db_set("return_purchase_receipt", recovery.purchase_return(self, lines))
				return self.return_purchase_receipt
			self.db_set("return_stock_entry", recovery.sample_transfer(self, lines))
			return self.return_stock_entry

	def book(self) -> str:
		"""Book what the supplier accepted: a Debit Note or a Journal Entry crediting the warranty
		expense account; the claim is Settled (or Rejected when nothing was accepted)."""
		if self.docstatus != 1:
			frappe.throw(_("Book Supplier Warranty Claim {0} once it is submitted").format(self.name))
		if self.debit_note or self.journal_entry:
			frappe.throw(_("Supplier Warranty Claim {0} is already booked").format(self.name))
		status = policy.settled_status([row.outcome for row in self.items], flt(self.total_accepted))
		if not status:
			frappe.throw(
				_("Record the supplier's answer on every line of {0} before booking it").format(self.name)
			)
		booked = None
		with app_write():
			if status == policy.SETTLED:
				terms = supplier_terms(self.supplier)
				if terms.booking == policy.JOURNAL_ENTRY:
					booked = recovery.journal_entry(self, terms)
					self.db_set("journal_entry", booked)
				else:
					booked = recovery.debit_note(self, terms)
					self.db_set("debit_note", booked)
			self.db_set("status", status)
		return booked


def supplier_answers(doc) -> list[tuple]:
	return [(row.name, row.outcome, flt(row.accepted_amount), row.rejection_reason) for row in doc.items]


def get_claim(name: str, ptype: str = "write") -> SupplierWarrantyClaim:
	doc = frappe.get_doc(DOCTYPE, name)
	doc.check_permission(ptype)
	return doc


@frappe.whitelist(methods=["POST"])
def approve(name: str) -> str:
	"""Give the next approval of a claim: the manager's, then above the limit the second role's."""
	doc = get_claim(name, "read")
	doc.approve()
	return doc.status


@frappe.whitelist(methods=["POST"])
def send_samples(name: str) -> str:
	doc = get_claim(name)
	return doc.send_samples()


@frappe.whitelist(methods=["POST"])
def book_recovery(name: str) -> str | None:
	doc = get_claim(name)
	return doc.book()


def on_doctype_update():
	frappe.db.add_index(DOCTYPE, ["supplier", "posting_date"])
