"""The installed base: 10,000 units sold before the app, in one real Data Import into Warranty
Registration (setup/import_templates/installed_base_units.csv's columns).

Run from the bench folder, with the site's Python:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/import_units.py --site load.localhost

It writes a CSV of `--units` rows (new serial numbers of serialized items, existing customers, past
delivery dates, a warranty period in days) to a private File, makes a Data Import ("Insert New
Records") and runs Frappe's own `start_import` synchronously, as the background job would. It prints
the seconds, the rate, and how many Warranty Registrations and Serial Nos were made. A Data Import
commits every row, so afterwards the script deletes what it made (registrations, serial numbers, the
import, its log and file) unless `--keep`.
"""

import csv
import io
import time

import bench_site

TEMPLATE = "installed_base_units.csv"


def main():
	parser = bench_site.parser(__doc__)
	parser.add_argument("--units", type=int, default=10_000)
	parser.add_argument("--keep", action="store_true", help="keep the imported units")
	bench_site.run_on_site(parser.parse_args(), run)


def run(args):
	import frappe
	from frappe.core.doctype.data_import.data_import import start_import
	from frappe.utils import add_days, getdate

	from aftersales_module.settings import get_settings

	company = get_settings().default_company or frappe.get_all("Company", pluck="name", limit=1)[0]
	items = frappe.get_all("Item", filters={"has_serial_no": 1, "disabled": 0}, pluck="name", limit=5)
	customers = frappe.get_all("Customer", filters={"disabled": 0}, pluck="name", limit=500)
	if not items or not customers:
		raise SystemExit("the site needs serialized items and customers")
	run_id = frappe.generate_hash(length=6).upper()
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\n")
	writer.writerow(
		[
			"company",
			"customer",
			"item_code",
			"installed_serial_no",
			"start_basis",
			"start_date",
			"warranty_days",
		]
	)
	first_day = getdate("2018-01-01")
	for i in range(args.units):
		writer.writerow(
			[
				company,
				customers[i % len(customers)],
				items[i % len(items)],
				f"IB{run_id}-{i:06d}",
				"Delivery Date",
				add_days(first_day, i % 2500),
				(365, 730, 1095)[i % 3],
			]
		)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"installed_base_{run_id}.csv",
			"content": out.getvalue(),
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": "Warranty Registration",
			"import_type": "Insert New Records",
			"import_file": file.file_url,
			"mute_emails": 1,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()

	start = time.perf_counter()
	start_import(data_import.name)
	seconds = time.perf_counter() - start

	status = frappe.db.get_value("Data Import", data_import.name, "status")
	made = frappe.db.count(
		"Warranty Registration", {"source_doctype": "Data Import", "source_name": data_import.name}
	)
	serials = frappe.db.count("Serial No", {"name": ("like", f"IB{run_id}-%")})
	failed = frappe.db.count("Data Import Log", {"data_import": data_import.name, "success": 0})
	print(
		f"{args.units} units in one Data Import: {seconds:.1f} s ({args.units / seconds:.0f} rows/s), "
		f"status {status}; {made} Warranty Registrations, {serials} Serial Nos, {failed} failed rows"
	)
	if failed:
		print(
			frappe.db.get_value(
				"Data Import Log", {"data_import": data_import.name, "success": 0}, "messages"
			)
		)
	if args.keep:
		print(f"kept: Data Import {data_import.name}")
		return
	frappe.db.delete("Warranty Registration", {"source_name": data_import.name})
	frappe.db.delete("Serial No", {"name": ("like", f"IB{run_id}-%")})
	frappe.db.delete("Data Import Log", {"data_import": data_import.name})
	frappe.db.delete("Data Import", {"name": data_import.name})
	frappe.db.delete("File", {"name": file.name})
	frappe.db.commit()


if __name__ == "__main__":
	main()
