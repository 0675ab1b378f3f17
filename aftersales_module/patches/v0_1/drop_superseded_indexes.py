"""Two indexes grew columns so that Key Part Failure Trend and Reward and Penalty Summary read from
the index alone; each replacement starts with the old index's columns, so the old one is dropped."""

import frappe

SUPERSEDED = (
	# (table, old index): replaced by item_code_used (repair_job_part.py)
	("tabRepair Job Part", "item_code_parent"),
	# replaced by posting_date_amounts (reward_and_penalty_entry.py)
	("tabReward and Penalty Entry", "posting_date_employee"),
)


def execute():
	for table, index in SUPERSEDED:
		if frappe.db.has_index(table, index):
			frappe.db.sql_ddl(f"alter table `{table}` drop index `{index}`")
