"""The board business manager (staff, not a superuser) does their job in the Django admin: people, memberships,
subgroups, the plan's text, KPIs and periods; and cannot give anyone, themselves included, more than the roles."""

import datetime

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from kpis.models import KPI
from meetings.models import Agency, AttendanceMeasure, QuorumRule, Seat
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, Objective, StrategicPriority
from subgroups.models import Membership, Subgroup
from subgroups.roles import BOARD_MANAGER, VIEWER

pytestmark = pytest.mark.django_db

User = get_user_model()

# What the role is given: app label, model, actions.
GRANTED = {
    ("auth", "user"): {"view", "add", "change"},
    ("subgroups", "subgroup"): {"view", "add", "change"},
    ("subgroups", "membership"): {"view", "add", "change", "delete"},
    ("plans", "businessplan"): {"view", "add", "change"},
    ("plans", "reportingperiod"): {"view", "add", "change"},
    ("priorities", "strategicpriority"): {"view", "add", "change", "delete"},
    ("priorities", "objective"): {"view", "add", "change", "delete"},
    ("priorities", "action"): {"view", "add", "change", "delete"},
    ("kpis", "kpi"): {"view", "add", "change", "delete"},
    # The board's agencies (kept, never deleted: attendance names them), seats and their deputies, quorum rules,
    # and which KPIs are computed from attendance (meetings' own migration).
    ("meetings", "agency"): {"view", "add", "change"},
    ("meetings", "seat"): {"view", "add", "change", "delete"},
    ("meetings", "deputy"): {"view", "add", "change", "delete"},
    ("meetings", "quorumrule"): {"view", "add", "change", "delete"},
    ("meetings", "attendancemeasure"): {"view", "add", "change", "delete"},
    # The self-assessment's questionnaires and their questions (read-only once answered), and a window's dates;
    # never the answers (selfassessment's own migration).
    ("selfassessment", "questionnaire"): {"view", "add", "change"},
    ("selfassessment", "question"): {"view", "add", "change", "delete"},
    ("selfassessment", "window"): {"view", "change"},
    # The background tasks: seen, and a failed one retried (dscb.admin); never changed by hand.
    ("django_tasks_database", "dbtaskresult"): {"view"},
}

MODELS = [User, Subgroup, Membership, BusinessPlan, ReportingPeriod, StrategicPriority, Objective, Action, KPI]
MODELS += [Agency, Seat, QuorumRule, AttendanceMeasure]


def test_the_manager_group_has_exactly_the_permissions_of_the_role():
    granted = Group.objects.get(name=BOARD_MANAGER).permissions.select_related("content_type")
    table = {}
    for permission in granted:
        action = permission.codename.split("_", 1)[0]
        table.setdefault((permission.content_type.app_label, permission.content_type.model), set()).add(action)
    assert table == GRANTED
    assert not Group.objects.get(name=VIEWER).permissions.exists()


def unchanged(response):
    """The change form's data as a browser would post it back without a change (inlines included)."""
    context = response.context
    data = {}
    forms_ = [context["adminform"].form]
    for formset in context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
        forms_ += formset.formset.forms
    for form in forms_:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, forms.MultiWidget):
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else part
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [getattr(item, "pk", item) for item in value]
            else:
                data[key] = "" if value is None else value
    return data


@pytest.fixture
def signed_in_manager(client, demo):
    _plan, users = demo
    manager = users["manager"]
    assert manager.is_staff and not manager.is_superuser
    client.force_login(manager)
    return manager


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_manager_lists_opens_and_saves_each_kind_of_record(client, signed_in_manager, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    obj = model.objects.filter(is_superuser=False).last() if model is User else model.objects.last()
    url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Save" in response.content.decode()
    saved = client.post(url, unchanged(response))
    assert saved.status_code == 302, saved.context["adminform"].form.errors or [
        formset.formset.errors for formset in saved.context["inline_admin_formsets"]
    ]


@pytest.mark.parametrize("username", ["viewer", "chair-quality-assurance"])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_chair_or_viewer_cannot_open_the_admin(client, demo, username, model):
    _plan, users = demo
    client.force_login(users[username])
    info = (model._meta.app_label, model._meta.model_name)
    response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    # Staff status alone opens nothing: the permissions are the role's.
    User.objects.filter(pk=users[username].pk).update(is_staff=True)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 403


def test_the_manager_cannot_make_themselves_superuser_or_give_permissions(client, signed_in_manager):
    url = reverse("admin:auth_user_change", args=[signed_in_manager.pk])
    response = client.get(url)
    page = response.content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert 'name="is_staff"' not in page
    data = unchanged(response)
    everything = Permission.objects.values_list("pk", flat=True)
    admins = Group.objects.create(name="Administrators")
    admins.permissions.set(everything)
    data.update(is_superuser="on", user_permissions=list(everything), groups=[admins.pk])
    response = client.post(url, data)
    signed_in_manager.refresh_from_db()
    assert not signed_in_manager.is_superuser
    assert not signed_in_manager.user_permissions.exists()
    assert not signed_in_manager.groups.filter(name="Administrators").exists()
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    # The role groups are all the form offers.
    choices = {label for _, label in client.get(url).context["adminform"].form.fields["groups"].choices}
    assert choices == {BOARD_MANAGER, VIEWER}


def test_the_manager_cannot_change_a_superuser(client, signed_in_manager):
    admin = User.objects.get(is_superuser=True, username="admin")
    url = reverse("admin:auth_user_change", args=[admin.pk])
    page = client.get(url).content.decode()
    assert 'name="email"' not in page  # shown to read, not to edit
    assert client.post(url, {"username": "admin", "email": "taken@example.org"}).status_code == 403
    response = client.post(reverse("admin:auth_user_password_change", args=[admin.pk]), {})
    assert response.status_code == 403
    client.post(reverse("admin:auth_user_changelist"), {"action": "deactivate", "_selected_action": [admin.pk]})
    admin.refresh_from_db()
    assert admin.is_active


def test_the_manager_adds_a_person_to_a_subgroup(client, signed_in_manager):
    """As the manager, not a superuser: add the person, then their subgroup membership on their page."""
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "new-chair", "first_name": "Nia", "last_name": "Jones", "email": "nia@example.org"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(username="new-chair")
    subgroup = Subgroup.objects.get(name="Quality Assurance sub")
    url = reverse("admin:auth_user_change", args=[person.pk])
    data = unchanged(client.get(url))
    data.update({"memberships-0-subgroup": subgroup.pk, "memberships-0-role": "member"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    membership = Membership.objects.get(user=person, subgroup=subgroup)
    assert membership.role == "member"
    assert membership.history.latest().history_user == signed_in_manager
    assert not person.is_staff and not person.is_superuser


def test_a_person_given_the_manager_role_gets_into_the_admin(client, signed_in_manager):
    manager_group = Group.objects.get(name=BOARD_MANAGER)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "deputy",
            "first_name": "Dee",
            "last_name": "Puty",
            "email": "deputy@example.org",
            "groups": [manager_group.pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    deputy = User.objects.get(username="deputy")
    assert deputy.is_staff and not deputy.is_superuser
    url = reverse("admin:auth_user_change", args=[deputy.pk])
    data = unchanged(client.get(url))
    data["groups"] = []
    assert client.post(url, data).status_code == 302
    deputy.refresh_from_db()
    assert not deputy.is_staff


def test_the_manager_moves_a_periods_deadline_in_the_admin(client, signed_in_manager, demo):
    plan, _ = demo
    period = plan.periods.get(number=5)
    url = reverse("admin:plans_reportingperiod_change", args=[period.pk])
    data = unchanged(client.get(url))
    data["deadline"] = "2016-01-20"
    assert client.post(url, data).status_code == 302
    period.refresh_from_db()
    assert period.deadline == datetime.date(2016, 1, 20)
    assert period.history.latest().history_user == signed_in_manager


def test_a_plans_status_and_a_periods_state_are_not_changed_in_the_admin(client, signed_in_manager, demo):
    """They move on the plan's own pages (Activate, the periods page), whose rules the admin's forms would skip."""
    plan, _ = demo
    period = plan.periods.get(number=5)
    url = reverse("admin:plans_reportingperiod_change", args=[period.pk])
    data = unchanged(client.get(url))
    assert client.post(url, {**data, "state": "locked"}).status_code == 302
    period.refresh_from_db()
    assert period.state == "upcoming"

    url = reverse("admin:plans_businessplan_change", args=[plan.pk])
    page = client.get(url)
    assert 'name="status"' not in page.content.decode()
    assert client.post(url, {**unchanged(page), "status": "closed"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "active"
