"""The customer's return-visit survey, opened from a signed link (aftersales_module/survey.py)."""

import frappe
from frappe import _

from aftersales_module.survey import page_context

no_cache = 1


def get_context(context):
	context.update(page_context(frappe.form_dict.get("t")))
	context.boot = {**(context.boot or {}), "lang": frappe.local.lang}
	context.lang = frappe.local.lang
	context.title = context.get("problem_title") or _("How was our service?")
	context.no_breadcrumbs = True
	context.show_sidebar = False
	context.submit_method = "aftersales_module.survey.submit_survey"
	context.texts = {
		"choose_all": _("Please rate all four items"),
		"failed": _("Your answers could not be sent. Please try again."),
		"sending": _("Sending…"),
	}
	context.metatags = {"robots": "noindex, nofollow"}
	return context
