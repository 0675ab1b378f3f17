# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

from aftersales_module.guard import AppDocument


class SupplierWarrantyClaimItem(AppDocument):
	pass
