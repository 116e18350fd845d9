"""On PostgreSQL, dscb.prepared's queries are prepared by the database once per connection, then executed with each
call's values: the rows are the ORM's own, every other parameter is written in as the driver writes it, and a
failed try, a new connection or many statements never leave a call asking for a statement that is not there."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, F, Func, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dscb import prepared
from dscb.prepared import PreparedQuery
from plans.models import BusinessPlan, ReportingPeriod
from tests.factories import BusinessPlanFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"),
]


def statements():
    """The names of the statements prepared on this connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def sent(call):
    """(what the call returned, the SQL it sent), for a call that sends one query."""
    with CaptureQueriesContext(connection) as captured:
        found = call()
    assert len(captured.captured_queries) == 1
    return found, captured.captured_queries[0]["sql"]


def periods(*, plan_id, before):
    return ReportingPeriod.objects.filter(plan=plan_id, starts_on__lt=before).order_by("number").values_list("number")


def prepared_afresh(query, plan, before):
    """The next call of `periods` prepares its statement again, and gives the plan's five periods before 2016."""
    found, sql = sent(lambda: query.rows(plan_id=plan.pk, before=before))
    assert sql.startswith("PREPARE ")
    assert found == [(number,) for number in range(1, 6)]


def test_prepared_on_the_first_call_and_executed_after():
    plans = BusinessPlanFactory(), BusinessPlanFactory(status=BusinessPlan.Status.CLOSED)
    query = PreparedQuery(periods)
    before = datetime.date(2015, 9, 1)
    found, sql = sent(lambda: query.rows(plan_id=plans[0].pk, before=before))
    assert found == list(periods(plan_id=plans[0].pk, before=before)) == [(1,), (2,), (3,)]
    assert sql.startswith("PREPARE dscb_")
    name = sql.split()[1]
    assert name in statements()
    for plan in plans:
        for before in (datetime.date(2015, 4, 1), datetime.date(2015, 12, 1), datetime.date(2016, 4, 1)):
            found, sql = sent(lambda plan=plan, before=before: query.rows(plan_id=plan.pk, before=before))
            # Only the statement's name and the values go to the database: the SQL is not sent, parsed or planned.
            assert sql == f"EXECUTE {name}({plan.pk}, '{before.isoformat()}'::date)"
            assert found == list(periods(plan_id=plan.pk, before=before))
    assert [len(query.rows(plan_id=plans[1].pk, before=datetime.date(year, 1, 1))) for year in (2015, 2017)] == [0, 6]


def test_the_other_parameters_are_written_in_as_the_driver_writes_them():
    joined = timezone.now() - datetime.timedelta(days=3)
    for username, first, last, active in (
        ("match", "Up 50% on last year", "O'Brien", True),
        ("no-percent", "Up 50 on last year", "O'Brien", True),
        ("no-quote", "Up 50% on last year", "OBrien", True),
        ("inactive", "Up 50% on last year", "O'Brien", False),
        ("match-too", "50%", "O'Brien", True),
    ):
        UserFactory(username=username, first_name=first, last_name=last, is_active=active, date_joined=joined)

    def build(*, since, username):
        # A percent sign, a quote, a flag and a date in the query, none of them a value of the call.
        found = get_user_model().objects.filter(
            first_name__contains="50%", last_name="O'Brien", is_active=True, date_joined__gt=since
        )
        found = found.exclude(username=username).exclude(last_login__date=datetime.date(2015, 4, 1))
        return found.order_by("username").values_list("username", flat=True)

    query = PreparedQuery(build)
    for since, username in (
        (joined - datetime.timedelta(days=1), "nobody"),
        (joined - datetime.timedelta(days=1), "match"),
        (joined, "nobody"),
        (joined - datetime.timedelta(hours=1), "match-too"),
    ):
        assert query.rows(since=since, username=username) == list(build(since=since, username=username))
    assert query.rows(since=joined - datetime.timedelta(days=1), username="nobody") == ["match", "match-too"]
    assert query.rows(since=joined - datetime.timedelta(days=1), username="match-too") == ["match"]


def test_a_failed_try_is_not_taken_for_a_prepared_statement():
    plan = BusinessPlanFactory()

    def build(*, plan_id, by):
        found = ReportingPeriod.objects.filter(plan=plan_id).annotate(share=F("number") / by)
        return found.order_by("number").values_list("share", flat=True)

    query = PreparedQuery(build)
    # The statement is prepared, then executing it fails (division by zero) in the same round trip: the PREPARE
    # outlives the failed transaction, so the next try must neither execute nor prepare again under that name.
    with pytest.raises(DatabaseError, match="division by zero"), transaction.atomic():
        query.rows(plan_id=plan.pk, by=0)
    left = statements()
    found, sql = sent(lambda: query.rows(plan_id=plan.pk, by=2))
    assert found == [0, 1, 1, 2, 2, 3]
    assert sql.startswith("PREPARE ")
    assert sql.split()[1] not in left
    found, sql = sent(lambda: query.rows(plan_id=plan.pk, by=3))
    assert found == [0, 0, 1, 1, 1, 2]
    assert sql.startswith("EXECUTE ")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_connection_has_the_statement_prepared_again():
    plan = BusinessPlanFactory()
    query = PreparedQuery(periods)
    before = datetime.date(2016, 1, 1)
    assert sent(lambda: query.rows(plan_id=plan.pk, before=before))[1].startswith("PREPARE ")
    assert sent(lambda: query.rows(plan_id=plan.pk, before=before))[1].startswith("EXECUTE ")
    connection.close()
    prepared_afresh(query, plan, before)


def test_a_connection_keeps_a_bounded_number_of_statements(monkeypatch):
    monkeypatch.setattr(prepared, "_STATEMENTS_PER_CONNECTION", 3)
    plan = BusinessPlanFactory()
    ids = list(plan.periods.order_by("number").values_list("pk", flat=True))
    # Each length of the list is a statement of its own.
    query = PreparedQuery(
        lambda *, period_ids: ReportingPeriod.objects.filter(pk__in=period_ids).order_by("number").values("number")
    )
    for again in (False, True):
        for length in range(1, 7):
            assert query.rows(period_ids=ids[:length]) == [{"number": number} for number in range(1, length + 1)]
            # From the fourth statement on, the connection has been cleared (of the earlier tests' too) and holds
            # only the last few.
            if again or length > 3:
                assert len(statements()) <= 3


def test_turned_off_the_sql_is_sent_as_it_is(settings):
    settings.DB_PREPARED_STATEMENTS = False
    plan = BusinessPlanFactory()
    query = PreparedQuery(periods)
    for _ in range(2):
        found, sql = sent(lambda: query.rows(plan_id=plan.pk, before=datetime.date(2015, 6, 2)))
        assert sql.startswith("SELECT ")
        assert found == [(1,), (2,)]


def test_text_is_taken_wherever_it_stands():
    plan = BusinessPlanFactory()
    # In the SELECT list, and given to a function of any type, where PostgreSQL cannot tell its type from its place.
    query = PreparedQuery(
        lambda *, slug: (
            BusinessPlan.objects.filter(slug=slug)
            .annotate(
                asked=Value(slug, output_field=CharField()),
                kind=Func(Value(slug, output_field=CharField()), function="pg_typeof", output_field=CharField()),
            )
            .values_list("asked", "kind", "title")
        )
    )
    for _ in range(2):
        assert query.rows(slug=plan.slug) == [(plan.slug, "text", plan.title)]
    assert query.rows(slug="no-such-plan") == []


def test_a_statement_cleared_behind_its_back_is_prepared_again_on_the_next_call():
    plan = BusinessPlanFactory()
    query = PreparedQuery(periods)
    before = datetime.date(2016, 1, 1)
    query.rows(plan_id=plan.pk, before=before)
    # As a pooler's DISCARD ALL would, or a column changed under a statement by a migration.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError, match="does not exist"), transaction.atomic():
        query.rows(plan_id=plan.pk, before=before)
    prepared_afresh(query, plan, before)


def test_failed_tries_count_towards_the_bound(monkeypatch):
    monkeypatch.setattr(prepared, "_STATEMENTS_PER_CONNECTION", 3)
    plan = BusinessPlanFactory()
    query = PreparedQuery(
        lambda *, plan_id, by: (
            ReportingPeriod.objects.filter(plan=plan_id).annotate(share=F("number") / by).values("share")
        )
    )
    # Each try prepares its statement and leaves it behind when executing it fails.
    for tries in range(1, 9):
        with pytest.raises(DatabaseError, match="division by zero"), transaction.atomic():
            query.rows(plan_id=plan.pk, by=0)
        if tries > 3:
            assert len(statements()) <= 3
    assert len(query.rows(plan_id=plan.pk, by=1)) == 6
    assert len(statements()) <= 3
