"""What a site gets from the app on install, and the demo data set."""
