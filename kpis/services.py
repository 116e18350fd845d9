"""Writes to KPI values, with the same conflict detection as progress updates, and the rule that a percentage
KPI's value is its numerator over its denominator."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from plans.models import ReportingPeriod
from plans.services import period_for_writing
from plans.versioning import save_versioned, versioned_row
from priorities.services import text_length_problem

from .models import KPI, NOTE_LIMIT, KPIValue

VALUE_FIELDS = ["value", "numerator", "denominator", "received", "note"]
COMPUTED = "This KPI is computed from meeting attendance: nobody enters its value"
COMPUTED_FROM_AUDITS = "This KPI is computed from audit returns: nobody enters its value"


def computed_message(kpi):
    """Why nobody enters the computed KPI's value, in the user's words."""
    return COMPUTED_FROM_AUDITS if kpi.value_source == KPI.Source.AUDITS else COMPUTED


HUNDREDTH = Decimal("0.01")  # the value column keeps two decimals


def kpi_value_percentage(numerator, denominator):
    """A percentage KPI's value from its numerator and denominator: 100 × numerator / denominator, to the
    hundredth."""
    return (Decimal(100) * numerator / denominator).quantize(HUNDREDTH)


def kpi_value_disagreement(*, value, numerator, denominator):
    """Why a value does not agree with its numerator and denominator, in the user's words; None when it does, or
    when there is no numerator and denominator to agree with (a percentage entered alone, a count, an answer).

    A denominator of zero or a numerator above the denominator is refused by the table's own constraints.
    """
    if numerator is None or denominator is None or denominator <= 0 or numerator > denominator:
        return None
    expected = kpi_value_percentage(numerator, denominator)
    if value is not None and Decimal(value) == expected:
        return None
    return f"The value must be {expected}: {numerator} out of {denominator} as a percentage"


def note_length_problem(note, *, report=False):
    """The GOV.UK character-count message when a value's note (a report's summary) is too long, else None."""
    return text_length_problem("The summary" if report else "The note", note, NOTE_LIMIT)


@transaction.atomic
def kpi_value_save(*, kpi: KPI, period: ReportingPeriod, user, values: dict, expected_version: int):
    """Record the KPI's value for the period, unless someone else saved it since the form was opened.

    `values` are the model's fields; given a numerator and denominator, the value is worked out from them
    (kpi_value_percentage) whatever `values` says it is.
    """
    if kpi.is_computed:
        raise ValidationError({"value": computed_message(kpi)})
    period_for_writing(period=period, user=user)
    problem = note_length_problem(values.get("note"), report=kpi.kind == KPI.Kind.REPORT)
    if problem:
        raise ValidationError({"note": problem})
    lookup = {"kpi": kpi, "period": period}
    record = versioned_row(KPIValue, lookup, expected_version)
    record.entered_by = user
    for field in VALUE_FIELDS:
        setattr(record, field, values.get(field))
    if record.numerator is not None and record.denominator:
        record.value = kpi_value_percentage(record.numerator, record.denominator)
    record.note = values.get("note") or ""
    save_versioned(record, lookup, user)
    return record


@transaction.atomic
def kpi_value_computed(*, kpi: KPI, period: ReportingPeriod, user, numerator, denominator, note=""):
    """Write a computed KPI's value for the period (numerator over denominator as a percentage), attributed to the
    user whose change it follows, in the value's history; with no denominator, the value goes.

    It follows what was recorded elsewhere (attendance), so a locked period takes it too; a closed plan does not.
    Returns the value, or None when there is none.
    """
    if not kpi.is_computed:
        raise ValueError(f"KPI {kpi.code} is entered by its subgroup, not computed")
    current = ReportingPeriod.objects.select_related("plan").get(pk=period.pk)
    if current.plan.is_closed:
        return KPIValue.objects.filter(kpi=kpi, period=period).first()
    record = KPIValue.objects.select_for_update(of=("self",)).filter(kpi=kpi, period=period).order_by("pk").first()
    if not denominator:
        if record is not None:
            record._history_user = user
            record.delete()
        return None
    value = kpi_value_percentage(numerator, denominator)
    if record is not None and (record.numerator, record.denominator, record.value) == (numerator, denominator, value):
        return record
    if record is None:
        record = KPIValue(kpi=kpi, period=period, version=0)
    record.version += 1
    record.entered_by = user
    record.numerator, record.denominator, record.value = numerator, denominator, value
    record.received = None
    record.note = note[:NOTE_LIMIT]
    record._history_user = user
    record.save()
    return record
