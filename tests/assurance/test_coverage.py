"""The coverage rules on small cases: accepted evidence counts, proposed does not; evidence after the as-at date
does not; stale is older than the setting; stale-only is a gap; a mapping carries evidence across frameworks."""

import datetime

import pytest

from assurance.coverage import carried_sources, coverage, months_before, stale_before

AS_AT = datetime.date(2016, 3, 31)


def day(text):
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("as_at", "months", "expected"),
    [
        ("2016-03-31", 12, "2015-03-31"),
        ("2016-03-31", 1, "2016-02-29"),
        ("2015-01-15", 3, "2014-10-15"),
        ("2016-02-29", 12, "2015-02-28"),
    ],
)
def test_months_before(as_at, months, expected):
    assert months_before(day(as_at), months) == day(expected)


def test_stale_before_reads_the_setting(settings):
    settings.ASSURANCE_STALE_MONTHS = 6
    assert stale_before(AS_AT) == day("2015-09-30")


def test_accepted_fresh_evidence_covers_and_counts():
    found = coverage([1], [(1, "accepted", day("2016-01-10")), (1, "accepted", day("2015-06-01"))], {}, AS_AT, 12)
    assert (found[1].count, found[1].fresh, found[1].stale, found[1].newest) == (2, 2, 0, day("2016-01-10"))
    assert not found[1].is_gap


def test_proposed_evidence_does_not_count():
    found = coverage([1], [(1, "proposed", day("2016-01-10"))], {}, AS_AT, 12)
    assert found[1].count == 0 and found[1].is_gap and found[1].newest is None


def test_no_evidence_is_a_gap():
    assert coverage([1], [], {}, AS_AT, 12)[1].is_gap


def test_stale_only_is_a_gap():
    found = coverage([1], [(1, "accepted", day("2015-03-30")), (1, "accepted", day("2014-01-01"))], {}, AS_AT, 12)
    assert (found[1].count, found[1].stale, found[1].is_gap) == (2, 2, True)


def test_evidence_on_the_stale_day_is_still_fresh():
    assert not coverage([1], [(1, "accepted", day("2015-03-31"))], {}, AS_AT, 12)[1].is_gap


def test_evidence_after_the_as_at_date_does_not_count():
    found = coverage([1], [(1, "accepted", day("2016-04-01"))], {}, AS_AT, 12)
    assert found[1].count == 0 and found[1].is_gap


def test_a_mapping_carries_evidence_across_and_through():
    # 3 (the newest framework) continues 2, which continues 1; evidence only on 1.
    carries = {3: [2], 2: [1]}
    found = coverage([1, 2, 3], [(1, "accepted", day("2016-02-01"))], carries, AS_AT, 12)
    assert [found[n].count for n in (1, 2, 3)] == [1, 1, 1]
    assert not found[3].is_gap
    # Evidence on the new requirement does not flow back to the old one.
    found = coverage([1, 3], [(3, "accepted", day("2016-02-01"))], carries, AS_AT, 12)
    assert (found[1].count, found[3].count) == (0, 1)


def test_a_loop_of_mappings_ends():
    assert carried_sources([1], {1: [2], 2: [1]}) == {1: {1, 2}}
