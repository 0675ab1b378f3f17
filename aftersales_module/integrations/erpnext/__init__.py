"""Hooks on ERPNext doctypes, one module per doctype."""
