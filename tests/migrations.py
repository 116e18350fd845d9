"""Running the project's migrations to a point in a test, and back to the latest afterwards."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate the test database to `targets` and answer the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def plan_with_objective(apps, *, numbered=False):
    """In the models of `apps`: the 2015/16 plan, a subgroup, and priority 1 with objective 1.1 (by number in the
    migrations before references, else by Ref). Returns (plan, lead subgroup, objective)."""
    plan = apps.get_model("plans", "BusinessPlan").objects.create(
        slug="2015-16", title="Plan", year_label="2015/16", starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2016, 3, 31),
    )  # fmt: skip
    lead = apps.get_model("subgroups", "Subgroup").objects.create(name="QA sub", slug="qa")
    where = {"number": 1} if numbered else {"ref": "1", "position": 1}
    priority = apps.get_model("priorities", "StrategicPriority").objects.create(plan=plan, title="P", **where)
    where = {"number": 1} if numbered else {"ref": "1.1", "position": 1}
    objective = apps.get_model("priorities", "Objective").objects.create(priority=priority, title="O", **where)
    return plan, lead, objective
