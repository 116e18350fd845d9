"""The migration that gives the board business manager's group its admin permissions, and its reverse."""

import pytest

from tests.migrations import migrate

BEFORE = [("subgroups", "0002_fill_roles")]
AFTER = [("subgroups", "0003_board_manager_admin_permissions")]


def manager_permissions(apps):
    group = apps.get_model("auth", "Group").objects.get(name="Board manager")
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_permissions_are_granted_and_taken_back(migrated_back):
    old = migrate(BEFORE)
    # Other apps' migrations may grant the group permissions of their own (dscb's: seeing the task queue).
    others = manager_permissions(old)
    assert not {label for label, _ in others} & {"auth", "subgroups", "plans", "priorities", "kpis"}
    new = migrate(AFTER)
    granted = manager_permissions(new) - others
    assert {("auth", "change_user"), ("subgroups", "delete_membership"), ("kpis", "change_kpi")} <= granted
    assert len(granted) == 32
    assert not {codename for _, codename in granted if codename.endswith(("_group", "_permission"))}
    assert ("auth", "delete_user") not in granted
    assert manager_permissions(migrate(BEFORE)) == others
    # The permissions themselves stay: other groups or people may hold them.
    assert new.get_model("auth", "Permission").objects.filter(codename="change_kpi").exists()
