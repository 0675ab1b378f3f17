import click
from frappe.commands import get_site, pass_context


@click.command("aftersales-demo")
@pass_context
def aftersales_demo(context):
	"""Create the after-sales demo data set on the site (safe to run again)."""
	import frappe

	from aftersales_module.demo import make_demo

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		created = make_demo()
	finally:
		frappe.destroy()

	if created:
		click.echo(f"Created {len(created)} demo records on {site}:")
		for line in created:
			click.echo(f"  {line}")
	else:
		click.echo(f"Demo data already present on {site}: nothing created.")


commands = [aftersales_demo]
