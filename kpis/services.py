"""Writes to KPI values, with the same conflict detection as progress updates."""

from django.db import IntegrityError, transaction

from plans.models import ReportingPeriod
from priorities.services import PeriodClosed, UpdateConflict
from subgroups.roles import is_board_manager

from .models import KPI, KPIValue

VALUE_FIELDS = ["value", "numerator", "denominator", "received", "note"]


@transaction.atomic
def kpi_value_save(*, kpi: KPI, period: ReportingPeriod, user, values: dict, expected_version: int):
    """Record the KPI's value for the period, unless someone else saved it since the form was opened."""
    period = ReportingPeriod.objects.select_related("plan").get(pk=period.pk)
    if period.plan.is_closed or (not period.is_open and not is_board_manager(user)):
        raise PeriodClosed(f"{period} is {period.get_state_display().lower()}: values cannot be changed.")
    record = KPIValue.objects.select_for_update().filter(kpi=kpi, period=period).first()
    if record is None:
        if expected_version != 0:
            raise UpdateConflict(None)
        record = KPIValue(kpi=kpi, period=period, entered_by=user, version=1)
    else:
        moved = KPIValue.objects.filter(pk=record.pk, version=expected_version).update(version=expected_version + 1)
        if not moved:
            record.refresh_from_db()
            raise UpdateConflict(record)
        record.version = expected_version + 1
        record.entered_by = user
    for field in VALUE_FIELDS:
        setattr(record, field, values.get(field))
    record.note = values.get("note") or ""
    record._history_user = user
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise UpdateConflict(KPIValue.objects.filter(kpi=kpi, period=period).first()) from None
    return record
