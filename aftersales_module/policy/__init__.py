"""Business rules of the after-sales department, as pure functions.

Nothing in this package imports frappe: it takes plain values and returns plain values, so
`pytest tests/` pins every rule down without a bench. Messages are marked with `_` from
`policy.messages` so that gettext extraction finds them; controllers translate them with
`frappe._` when they raise.
"""
