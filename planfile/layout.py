"""The columns, row types and plan settings of the plan file, shared by the reader and the writer."""

COLUMNS = [
    "Type",
    "Ref",
    "Text",
    "Evidence",
    "Lead subgroup",
    "Lead officer",
    "Supporting subgroups",
    "Due",
    "Milestones",
    "KPI kind",
    "Target",
    "Direction",
    "Amber tolerance",
    "Frequency",
    "Definition",
    # Written by the export, ignored on import: only a roll-over links an action to last year's.
    "Carried over from",
]
REQUIRED_COLUMNS = ["Type", "Ref", "Text"]

ROW_TYPES = ["Plan", "Priority", "Objective", "Action", "KPI"]
# The row type each row type belongs to.
PARENT_TYPES = {"Objective": "Priority", "Action": "Objective", "KPI": "Objective"}

# Plan rows: Ref names the setting, Text holds its value. (setting, model field, required)
PLAN_SETTINGS = [
    ("slug", "slug", True),
    ("title", "title", True),
    ("plan year", "year_label", True),
    ("strategy period", "strategy_period", False),
    ("starts", "starts_on", True),
    ("ends", "ends_on", True),
    ("vision", "vision", False),
    ("introduction", "introduction", False),
    ("monitoring", "monitoring", False),
    ("ofsted requirements", "ofsted_requirements", False),
]

KPI_KINDS = {
    "percentage": "percentage",
    "%": "percentage",
    "count": "count",
    "number": "count",
    "yes/no": "yes_no",
    "yes-no": "yes_no",
    "yes_no": "yes_no",
    "monitoring report": "report",
    "report": "report",
}
KPI_KIND_LABELS = {"percentage": "Percentage", "count": "Count", "yes_no": "Yes/no", "report": "Monitoring report"}

DIRECTIONS = {"higher": "higher", "higher is better": "higher", "lower": "lower", "lower is better": "lower"}

LEAD_SEPARATOR = "&"
SUPPORTING_SEPARATOR = ";"
