"""dscb.prepared.PreparedQuery gives the rows the ORM's own query gives, for any values, from SQL built once."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.db.models.signals import post_init
from django.utils import timezone

from dscb.prepared import PreparedQuery
from plans.models import BusinessPlan, ReportingPeriod
from risks.models import Review
from tests.factories import BusinessPlanFactory, UserFactory

pytestmark = pytest.mark.django_db


def periods(plan_id, period_ids, before):
    """The ORM's own query: a plan's periods among the ids that start before a date, with a date to convert."""
    return (
        ReportingPeriod.objects.filter(plan=plan_id, pk__in=period_ids, starts_on__lt=before)
        .order_by("number")
        .values_list("pk", "number", "starts_on")
    )


def counted(build):
    """The builder, counting how often it is asked to build."""

    def counting(*shape, **values):
        counting.builds += 1
        return build(*shape, **values)

    counting.builds = 0
    return counting


@pytest.fixture
def plans():
    return BusinessPlanFactory(), BusinessPlanFactory(status=BusinessPlan.Status.CLOSED)


def test_the_rows_are_the_orms_own_for_every_value_of_the_same_kinds(plans, django_assert_num_queries):
    build = counted(lambda *, plan_id, period_ids, before: periods(plan_id, period_ids, before))
    query = PreparedQuery(build)
    every = list(ReportingPeriod.objects.values_list("pk", flat=True))
    asked = [
        (plan.pk, ids, before)
        for plan in plans
        for ids in (every[:4], every[-4:], every[2:6])
        for before in (datetime.date(2015, 4, 1), datetime.date(2015, 9, 1), datetime.date(2016, 4, 1))
    ]
    found = []
    for plan_id, ids, before in asked:
        with django_assert_num_queries(1):
            rows = query.rows(plan_id=plan_id, period_ids=ids, before=before)
        assert rows == list(periods(plan_id, ids, before))
        found += rows
    # Built twice, once with each of two sets of stand-ins, and never again.
    assert build.builds == 2
    # Not the same rows every time: the values really reach the query, and the dates come back as dates.
    assert len({row[0] for row in found}) == 10
    assert {type(row[2]) for row in found} == {datetime.date}


def test_each_length_of_a_list_and_each_shape_is_a_query_of_its_own(plans):
    def build(later, *, plan_id, period_ids):
        found = ReportingPeriod.objects.filter(plan=plan_id, pk__in=period_ids)
        return found.filter(number__gt=3 if later else 0).order_by("number").values_list("number", flat=True)

    build = counted(build)
    query = PreparedQuery(build)
    plan = plans[0]
    ids = list(plan.periods.order_by("number").values_list("pk", flat=True))
    assert query.rows(False, plan_id=plan.pk, period_ids=ids) == [1, 2, 3, 4, 5, 6]
    assert query.rows(True, plan_id=plan.pk, period_ids=ids) == [4, 5, 6]
    assert query.rows(True, plan_id=plan.pk, period_ids=ids[:5]) == [4, 5]
    assert query.rows(False, plan_id=plan.pk, period_ids=ids[1:]) == [2, 3, 4, 5, 6]
    assert build.builds == 8
    assert query.rows(False, plan_id=plans[1].pk, period_ids=ids) == []
    assert build.builds == 8


def test_an_empty_list_matches_nothing_without_asking_the_database(plans, django_assert_num_queries):
    query = PreparedQuery(lambda *, period_ids: ReportingPeriod.objects.filter(pk__in=period_ids).values("pk"))
    with django_assert_num_queries(0):
        assert query.rows(period_ids=[]) == []
    assert len(query.rows(period_ids=[plans[0].periods.first().pk])) == 1


def test_refuses_a_value_whose_column_cannot_hold_the_stand_in(plans):
    """A period's number is a small integer: the ORM finds the stand-in beyond its range and leaves the comparison
    out, which would make the query match nothing for every number. Refused; in the query's shape it is right."""
    by_value = PreparedQuery(lambda *, number: ReportingPeriod.objects.filter(number=number).values_list("pk"))
    with pytest.raises(ValueError, match="cannot hold the stand-in"):
        by_value.rows(number=1)
    by_shape = PreparedQuery(lambda number: ReportingPeriod.objects.filter(number=number).values_list("pk", flat=True))
    first = sorted(plan.periods.get(number=1).pk for plan in plans if plan.periods.exists())
    assert sorted(by_shape.rows(1)) == first and first


def test_dictionaries_and_aware_dates_and_times():
    now = timezone.now()
    for days, name in ((40, "early"), (20, "middle"), (1, "late")):
        UserFactory(username=name, date_joined=now - datetime.timedelta(days=days))

    def build(*, since, user_ids):
        found = get_user_model().objects.filter(Q(date_joined__gt=since) | Q(pk__in=user_ids))
        return found.order_by("username").values("username", "date_joined")

    query = PreparedQuery(build)
    early = get_user_model().objects.get(username="early")
    for since in (now - datetime.timedelta(days=30), now - datetime.timedelta(days=10), now):
        rows = query.rows(since=since, user_ids=[early.pk])
        assert rows == list(build(since=since, user_ids=[early.pk]))
        assert all(isinstance(row["date_joined"], datetime.datetime) and row["date_joined"].tzinfo for row in rows)
    assert [row["username"] for row in query.rows(since=now - datetime.timedelta(days=30), user_ids=[early.pk])] == [
        "early",
        "late",
        "middle",
    ]


def test_model_instances_with_their_annotations_and_text_values(plans, django_assert_num_queries):
    def build(*, slug, before):
        found = ReportingPeriod.objects.filter(plan__slug=slug, starts_on__lt=before)
        return found.annotate(doubled=F("number") * 2).order_by("-number")

    query = PreparedQuery(build)
    for plan in plans:
        before = datetime.date(2015, 9, 1)
        with django_assert_num_queries(1):
            found = query.rows(slug=plan.slug, before=before)
        expected = list(build(slug=plan.slug, before=before))
        assert [(p.pk, p.number, p.doubled, p.starts_on, p.plan_id) for p in found] == [
            (p.pk, p.number, p.doubled, p.starts_on, p.plan_id) for p in expected
        ]
        assert [p.number for p in found] == [3, 2, 1]
        # Real instances, read from the database named: their related objects are read as usual.
        assert all(isinstance(p, ReportingPeriod) and p._state.db == "default" for p in found)
        with django_assert_num_queries(1):
            assert found[0].plan == plan
    assert query.rows(slug="no-such-plan", before=datetime.date(2016, 1, 1)) == []


def fields_of(instance):
    """Everything an instance holds but its state: its columns, annotations and the related objects it caches."""
    held = {name: value for name, value in vars(instance).items() if name != "_state"}
    cached = {name: fields_of(related) for name, related in instance._state.fields_cache.items() if related}
    return held, cached, instance._state.adding, instance._state.db


def test_related_objects_selected_with_the_rows(plans, django_assert_num_queries):
    def build(*, plan_ids):
        found = ReportingPeriod.objects.filter(plan__in=plan_ids).select_related("plan", "plan__rolled_over_from")
        return found.annotate(doubled=F("number") * 2).order_by("plan__slug", "number")

    query = PreparedQuery(build)
    ids = [plan.pk for plan in plans]
    with django_assert_num_queries(1):
        found = query.rows(plan_ids=ids)
        # The plans came with the periods: reading them asks nothing more.
        assert [(period.plan.slug, period.number, period.doubled) for period in found] == [
            (plan.slug, number, number * 2)
            for plan in sorted(plans, key=lambda plan: plan.slug)
            for number in range(1, 7)
        ]
    assert [fields_of(period) for period in found] == [fields_of(period) for period in build(plan_ids=ids)]
    assert [period.plan.pk for period in query.rows(plan_ids=ids[1:])] == [ids[1]] * 6


def test_instances_made_as_the_orm_makes_them_and_saved_as_theirs(plans):
    query = PreparedQuery(lambda *, plan_id: ReportingPeriod.objects.filter(plan=plan_id).order_by("number"))
    plan = plans[0]
    found = query.rows(plan_id=plan.pk)
    expected = ReportingPeriod.objects.filter(plan=plan.pk).order_by("number")
    assert [fields_of(period) for period in found] == [fields_of(period) for period in expected]
    # Loaded, not new: saving one updates its row rather than adding another, and a foreign key set afresh is read.
    first = found[0]
    first.deadline = datetime.date(2015, 5, 29)
    first.save(update_fields=["deadline"])
    assert ReportingPeriod.objects.get(pk=first.pk).deadline == datetime.date(2015, 5, 29)
    assert ReportingPeriod.objects.count() == 12
    first.plan_id = plans[1].pk
    assert first.plan == plans[1]


def test_a_model_with_its_own_initialising_is_made_by_the_orm(plans):
    seen = []

    def initialised(sender, instance, **kwargs):
        seen.append(instance.pk)

    query = PreparedQuery(lambda *, plan_id: ReportingPeriod.objects.filter(plan=plan_id).order_by("number"))
    # Prepared and read once before the receiver is connected: it is asked about on every read.
    assert len(query.rows(plan_id=plans[0].pk)) == 6
    post_init.connect(initialised, sender=ReportingPeriod)
    try:
        found = query.rows(plan_id=plans[0].pk)
    finally:
        post_init.disconnect(initialised, sender=ReportingPeriod)
    assert seen == [period.pk for period in found]
    assert len(seen) == 6
    query.rows(plan_id=plans[0].pk)
    assert len(seen) == 6


def test_refuses_what_it_cannot_put_in_place(plans):
    with pytest.raises(TypeError, match="nothing prefetched"):
        PreparedQuery(lambda *, plan_id: ReportingPeriod.objects.filter(plan=plan_id).prefetch_related("plan")).rows(
            plan_id=plans[0].pk
        )
    with pytest.raises(TypeError, match="values\\(\\) or values_list\\(\\)"):
        PreparedQuery(lambda *, plan_id: BusinessPlan.objects.filter(pk=plan_id).values_list("pk", named=True)).rows(
            plan_id=plans[0].pk
        )
    # A value the query never uses would give the same rows whatever it is: a mistake in the builder.
    unused = PreparedQuery(lambda *, plan_id: BusinessPlan.objects.values_list("pk", flat=True))
    with pytest.raises(ValueError, match="plan_id"):
        unused.rows(plan_id=plans[0].pk)
    # A date compared with a date and time reaches the parameters converted, where it could not be put in place.
    converted = PreparedQuery(
        lambda *, day: Review.objects.filter(Q(reviewed_on__lte=day) | Q(created_at__lt=day)).values_list("pk")
    )
    with (
        pytest.raises(ValueError, match="changes the query other than where it is put"),
        pytest.warns(RuntimeWarning, match="naive datetime"),
    ):
        converted.rows(day=datetime.date(2015, 4, 1))
    query = PreparedQuery(lambda *, value: BusinessPlan.objects.filter(pk=value).values_list("pk", flat=True))
    for value, message in (
        (True, "put flags in its shape"),
        (None, "put flags in its shape"),
        (1.5, "not float"),
        ([1, "2"], "ids only"),
        (datetime.datetime(2015, 4, 1, 12), "must be aware"),
    ):
        with pytest.raises(TypeError, match=message):
            query.rows(value=value)
    for value in (2**63, -(2**63) - 1, [1, 2**64]):
        with pytest.raises(ValueError, match="beyond 64 bits"):
            query.rows(value=value)
    assert query.rows(value=2**63 - 1) == []
