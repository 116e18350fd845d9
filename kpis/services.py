"""Writes to KPI values, with the same conflict detection as progress updates."""

from django.db import transaction

from plans.models import ReportingPeriod
from plans.services import period_for_writing
from plans.versioning import save_versioned, versioned_row

from .models import KPI, KPIValue

VALUE_FIELDS = ["value", "numerator", "denominator", "received", "note"]


@transaction.atomic
def kpi_value_save(*, kpi: KPI, period: ReportingPeriod, user, values: dict, expected_version: int):
    """Record the KPI's value for the period, unless someone else saved it since the form was opened."""
    period_for_writing(period=period, user=user)
    lookup = {"kpi": kpi, "period": period}
    record = versioned_row(KPIValue, lookup, expected_version)
    record.entered_by = user
    for field in VALUE_FIELDS:
        setattr(record, field, values.get(field))
    record.note = values.get("note") or ""
    save_versioned(record, lookup, user)
    return record
