"""The plan file: one spreadsheet layout (docs/plan-file.md) read and written for a whole plan.

Like the reports, this package sits above the other apps (it creates priorities, objectives, actions and
KPIs), so nothing in `plans`, `priorities`, `subgroups` or `kpis` imports from it.
"""
