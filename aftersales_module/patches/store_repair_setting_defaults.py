"""Fill the repair and warranty settings added after install (discount threshold, warranty start)."""

from aftersales_module.setup.install import store_setting_defaults


def execute():
	store_setting_defaults()
