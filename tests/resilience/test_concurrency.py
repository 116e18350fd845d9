"""K people submit the same progress update at the same moment, over HTTP, to gunicorn and PostgreSQL.

Each opens the form (reading its version and CSRF token), then all submit at once. Whatever the interleaving:
the saves accepted (302) are exactly the versions the update moved on and the history rows written, and as
everyone started from the same version only one of them is; every other person gets the conflict page (409)
with nothing of theirs saved, and no one gets a server error.
"""

import threading

import pytest

from priorities.models import ProgressUpdate
from priorities.services import update_save
from tests.factories import ActionFactory, MembershipFactory, ReportingPeriodFactory, UserFactory

from .server import Browser, form_fields

PASSWORD = "correct-horse-battery"  # UserFactory's
CONFLICT_PAGE = "Someone else saved this update while you were writing"


def _editors(action, k):
    """K members of the action's lead subgroup: each may update the action."""
    return [
        MembershipFactory(subgroup=action.lead, user=UserFactory(username=f"editor-{n:02d}")).user for n in range(k)
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("k", "first_save"),
    [(10, False), (50, False), (10, True)],
    ids=["10-editors", "50-editors", "10-editors-first-save"],
)
def test_simultaneous_submits_of_one_update(gunicorn, k, first_save):
    # The gunicorn fixture skips on SQLite.
    action = ActionFactory(objective__priority__plan__status="active")
    period = ReportingPeriodFactory(plan=action.objective.priority.plan, number=1, state="open")
    editors = _editors(action, k)
    if not first_save:
        update_save(
            action=action,
            period=period,
            user=editors[0],
            data={"status": "green", "progress": "The first update."},
            expected_version=0,
            submit=True,
        )
    existing = ProgressUpdate.objects.filter(action=action, period=period).first()
    initial_version = existing.version if existing else 0
    initial_history = ProgressUpdate.history.filter(action_id=action.pk, period_id=period.pk).count()

    path = f"/actions/{action.pk}/periods/{period.number}/update/"
    browsers, forms = [], []
    for editor in editors:
        browser = Browser(gunicorn.port).sign_in(editor.username, PASSWORD)
        status, _, page = browser.request("GET", path)
        assert status == 200, page
        token, version = form_fields(page)
        assert version == initial_version
        browsers.append(browser)
        forms.append(
            {
                "csrfmiddlewaretoken": token,
                "version": str(version),
                "status": "green",
                "progress": f"Progress written by {editor.username}.",
                "impact": f"Impact seen by {editor.username}.",
                "next_steps": "Carry on.",
                "reason": "",
                "evidence_links": "",
            }
        )

    barrier = threading.Barrier(k)
    replies = [None] * k

    def submit(n):
        browsers[n].connect()
        barrier.wait(timeout=30)
        try:
            replies[n] = browsers[n].request("POST", path, forms[n])
        except OSError as error:
            replies[n] = (0, "", repr(error))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(k)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(not thread.is_alive() for thread in threads), "a submit did not finish within a minute"

    statuses = [status for status, _, _ in replies]
    assert not [status for status in statuses if status >= 500 or status == 0], f"server errors: {statuses}"
    assert set(statuses) <= {302, 409}, f"replies other than a save or a conflict: {statuses}"
    accepted = [n for n, status in enumerate(statuses) if status == 302]
    conflicts = [n for n, status in enumerate(statuses) if status == 409]
    # Everyone opened the form at the same version: exactly one save can build on it; a second acceptance
    # would mean someone's text was overwritten unseen.
    assert len(accepted) == 1, f"{len(accepted)} saves accepted from the same version"
    assert len(accepted) + len(conflicts) == k
    for n in conflicts:
        assert CONFLICT_PAGE in replies[n][2]

    update = ProgressUpdate.objects.get(action=action, period=period)
    history = ProgressUpdate.history.filter(action_id=action.pk, period_id=period.pk).count()
    assert len(accepted) == update.version - initial_version == history - initial_history
    # What is stored is one accepted person's whole text, never a mixture and never a refused person's.
    assert update.progress in {forms[n]["progress"] for n in accepted}
    assert update.impact == update.progress.replace("Progress written by", "Impact seen by")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_roll_overs_make_one_plan_and_tell_the_others(gunicorn):
    """Three managers (or one impatient double-click) confirm the roll-over at once: one new plan, no error page."""
    from plans.models import BusinessPlan
    from tests.factories import make_manager

    from .server import CSRF_INPUT

    action = ActionFactory(objective__priority__plan__status="active")
    plan = action.objective.priority.plan
    ReportingPeriodFactory(plan=plan, number=1, state="open")
    path = f"/plans/{plan.slug}/roll-over/"
    browsers, forms = [], []
    for n in range(3):
        browser = Browser(gunicorn.port).sign_in(make_manager(username=f"manager-{n}").username, PASSWORD)
        status, _, page = browser.request("GET", path)
        assert status == 200, page
        browsers.append(browser)
        forms.append({"csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1)})

    barrier = threading.Barrier(3)
    replies = [None] * 3

    def confirm(n):
        browsers[n].connect()
        barrier.wait(timeout=30)
        replies[n] = browsers[n].request("POST", path, forms[n])

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    statuses = sorted(status for status, _, _ in replies)
    assert statuses.count(302) == 1, statuses
    assert all(status in (200, 302, 409) for status in statuses), statuses
    for status, _, page in replies:
        if status != 302:
            assert "already" in page, page[:2000]
    assert BusinessPlan.objects.filter(rolled_over_from=plan).count() == 1


def _confirm_at_once(posts):
    """Each (browser, path, form) posted at the same moment; the replies in the same order."""
    barrier = threading.Barrier(len(posts))
    replies = [None] * len(posts)

    def confirm(n):
        browser, path, form = posts[n]
        browser.connect()
        barrier.wait(timeout=30)
        replies[n] = browser.request("POST", path, form)

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return replies


def _activate_page(port, username, path):
    from tests.factories import make_manager

    from .server import CSRF_INPUT

    browser = Browser(port).sign_in(make_manager(username=username).username, PASSWORD)
    status, _, page = browser.request("GET", path)
    assert status == 200, page
    return browser, path, {"csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1)}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_activations_leave_one_active_plan_and_nothing_half_done(gunicorn):
    """Three managers confirm "Activate 2016/17" at once: one activates it, closing this year with its open period
    locked; the others are told it is active already; no error page."""
    from plans.models import BusinessPlan
    from yearend.services import plan_roll_over

    action = ActionFactory(objective__priority__plan__status="active")
    plan = action.objective.priority.plan
    period = ReportingPeriodFactory(plan=plan, number=1, state="open")
    draft = plan_roll_over(plan=plan)
    path = f"/plans/{draft.slug}/activate/"
    posts = [_activate_page(gunicorn.port, f"manager-{n}", path) for n in range(3)]
    replies = _confirm_at_once(posts)

    statuses = sorted(status for status, _, _ in replies)
    assert statuses.count(302) == 1, statuses
    assert all(status in (200, 302, 409) for status in statuses), statuses
    for status, _, page in replies:
        if status != 302:
            assert "is the active plan already" in page, page[:2000]
    assert list(BusinessPlan.objects.active()) == [draft]
    plan.refresh_from_db()
    period.refresh_from_db()
    assert (plan.status, period.state) == ("closed", "locked")
    assert plan.history.filter(status="closed").count() == 1 and period.history.filter(state="locked").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_drafts_activated_at_once_make_one_active_plan(gunicorn):
    """Next year's draft and another draft activated at the same moment: one of them takes over, the other is
    refused whole (still a draft), this year is closed once."""
    from plans.models import BusinessPlan
    from tests.factories import BusinessPlanFactory
    from yearend.services import plan_roll_over

    action = ActionFactory(objective__priority__plan__status="active")
    plan = action.objective.priority.plan
    ReportingPeriodFactory(plan=plan, number=1, state="open")
    drafts = [plan_roll_over(plan=plan)]
    other = BusinessPlanFactory(
        status="draft", slug="2099-00", starts_on=drafts[0].starts_on, ends_on=drafts[0].ends_on
    )
    ActionFactory(objective__priority__plan=other)
    drafts.append(other)
    posts = [
        _activate_page(gunicorn.port, f"manager-{n}", f"/plans/{draft.slug}/activate/")
        for n, draft in enumerate(drafts)
    ]
    replies = _confirm_at_once(posts)

    statuses = [status for status, _, _ in replies]
    assert sorted(statuses) in ([200, 302], [302, 409]), statuses
    refused = replies[statuses.index(302) ^ 1][2]
    assert "nothing was changed" in refused or "no later than" in refused, refused[:2000]
    winner = drafts[statuses.index(302)]
    loser = drafts[statuses.index(302) ^ 1]
    assert list(BusinessPlan.objects.active()) == [winner]
    assert BusinessPlan.objects.get(pk=loser.pk).status == "draft"
    assert BusinessPlan.objects.get(pk=plan.pk).status == "closed"
    assert plan.history.filter(status="closed").count() == 1
