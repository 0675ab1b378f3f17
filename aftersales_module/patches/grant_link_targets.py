"""Existing sites: let the app's roles select the ERPNext masters our doctypes link to."""

from aftersales_module.setup.install import grant_link_targets


def execute():
	grant_link_targets()
