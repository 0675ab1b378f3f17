"""What every benchmark does around its own run: the --site and --sites-path options, then the run on
that site as Administrator, everything it wrote rolled back afterwards."""

import argparse
import os


def parser(doc: str) -> argparse.ArgumentParser:
	"""An argument parser with the site options; the benchmark adds its own."""
	result = argparse.ArgumentParser(description=doc.splitlines()[0])
	result.add_argument("--site", default="test_site")
	result.add_argument("--sites-path", default=os.path.join(os.getcwd(), "sites"))
	return result


def run_on_site(args, run) -> None:
	import frappe

	os.chdir(args.sites_path)  # Frappe writes its logs relative to the sites folder
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		run(args)
	finally:
		frappe.db.rollback()
		frappe.destroy()
