from aftersales_module.setup.install import seed_complaint_setup


def execute():
	"""Sites that installed the app before complaints existed get the categories and chains too."""
	seed_complaint_setup()
