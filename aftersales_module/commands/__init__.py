import click
from frappe.commands import get_site, pass_context


@click.command("aftersales-demo")
@click.option(
	"--password",
	help="Password for every demo user. Without it, a site in developer mode gives users that have "
	"none the password aftersales-demo; other sites leave them without one.",
)
@pass_context
def aftersales_demo(context, password=None):
	"""Create the after-sales demo data set on the site (safe to run again)."""
	import frappe
	from frappe.utils import get_url

	from aftersales_module.setup.demo import DEFAULT_PASSWORD, demo_users, make_demo, set_passwords

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		try:
			created = make_demo()
		except Exception:
			click.secho(
				f"The demo stopped and was rolled back: nothing was saved on {site}.", fg="red", err=True
			)
			raise
		passwords_set = set_passwords(password)
		users = demo_users()
		url = get_url()
	finally:
		frappe.destroy()

	if created:
		click.echo(f"Created {len(created)} demo records on {site}:")
		for line in created:
			click.echo(f"  {line}")
	else:
		click.echo(f"Demo data already present on {site}: nothing created.")

	click.echo("")
	click.echo(f"Demo users: log in at {url}/login")
	for user in users:
		if password:
			note = "password: the one given with --password"
		elif user["login"] in passwords_set:
			note = f"password: {DEFAULT_PASSWORD}"
		elif user["has_password"]:
			note = "password: unchanged"
		else:
			note = "no password, cannot log in yet"
		click.echo(f"  {user['login']}  {user['full_name']}  {', '.join(user['roles'])}  ({note})")
	if any(not user["has_password"] for user in users):
		click.echo(
			f"{site} is not in developer mode, so the demo gave no default password. Set one with "
			f"`bench --site {site} aftersales-demo --password PASSWORD`."
		)


commands = [aftersales_demo]
