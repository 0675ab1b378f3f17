import frappe
from frappe.utils import add_days, now_datetime, nowdate

from aftersales_module.aftersales_module.report.complaint_aging import complaint_aging
from aftersales_module.aftersales_module.report.complaint_statistics import complaint_statistics
from aftersales_module.aftersales_module.report.concealment_audit import concealment_audit
from aftersales_module.tests.utils import OTHER_COMPANY, AfterSalesTestCase, make_complaint, make_user


def filters(**values) -> dict:
	"""The last 60 days of the other company, on the test's clock (not the import's)."""
	return {"company": OTHER_COMPANY, "from_date": add_days(nowdate(), -60), "to_date": nowdate(), **values}


class TestComplaintReports(AfterSalesTestCase):
	"""The reports aggregate in SQL; each test compares against what it inserted itself."""

	created: list

	def setUp(self):
		self.created = []

	def complaints(self, *categories, days_ago=0, **values):
		docs = []
		for category in categories:
			doc = make_complaint(company=OTHER_COMPANY, complaint_category=category, **values)
			if days_ago:
				registered = add_days(now_datetime(), -days_ago)
				doc.db_set({"registered_on": registered, "escalation_clock_start": registered})
			docs.append(doc)
			self.created.append(doc.name)
		return docs

	def test_statistics_count_share_and_rank_by_category(self):
		half = f"{now_datetime().year}-{'H1' if now_datetime().month <= 6 else 'H2'}"
		self.complaints("Repair", "Repair", "Repair", "Hygiene", "Hygiene", "Security")
		frappe.db.delete("Complaint Record", {"company": OTHER_COMPANY, "name": ("not in", self.created)})
		columns, data, _message, chart = complaint_statistics.execute(filters(group_by="Category"))
		rows = {row["value"]: row for row in data}
		self.assertEqual([rows[c]["count"] for c in ("Repair", "Hygiene", "Security")], [3, 2, 1])
		self.assertEqual([rows[c]["rank"] for c in ("Repair", "Hygiene", "Security")], [1, 2, 3])
		self.assertEqual(rows["Repair"]["share"], 50.0)
		self.assertEqual(chart["data"]["labels"][0], "Repair")
		self.assertEqual(columns[0]["options"], "Complaint Category")
		self.assertEqual(self.counts("Half-Year")[half], 6)

	def counts(self, group_by):
		_columns, data, *_rest = complaint_statistics.execute(filters(group_by=group_by))
		return {row["value"]: row["count"] for row in data}

	def test_statistics_refuses_an_unknown_grouping(self):
		with self.assertRaises(frappe.ValidationError):
			complaint_statistics.execute(filters(group_by="`name`; drop table x"))
		with self.assertRaises(frappe.ValidationError):
			complaint_statistics.execute(filters(from_date=nowdate(), to_date=add_days(nowdate(), -1)))

	def aging(self):
		_columns, data, _message, _chart = complaint_aging.execute(filters())
		return {row["bucket"]: row["open"] for row in data}

	def test_aging_buckets_open_cases(self):
		before = self.aging()
		self.complaints("Repair", days_ago=4)
		self.complaints("Repair", "Hygiene", days_ago=20)
		after = self.aging()
		delta = {bucket: after[bucket] - before[bucket] for bucket in after}
		self.assertEqual(
			delta, {"0-2 days": 0, "3-5 days": 1, "6-10 days": 0, "11-15 days": 0, "Over 15 days": 2}
		)

	def test_concealment_counts_overdue_cases_never_escalated_by_hand(self):
		handler = make_user("as-report-handler@example.com", ["After Sales User"])
		frappe.set_user(handler)
		try:
			hidden, reported = self.complaints("Repair", "Repair")
			reported.escalate("Cannot fix this before the deadline")
		finally:
			frappe.set_user("Administrator")
		for doc in (hidden, reported):
			frappe.db.set_value("Complaint Record", doc.name, "is_overdue", 1)
		_columns, data = concealment_audit.execute(filters())
		row = next(r for r in data if r["handler"] == handler)
		self.assertEqual((row["overdue"], row["not_escalated"], row["rate"]), (2, 1, 50.0))
