from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SafeAutocompleteMixin, SentInputAdminMixin

from .models import Agency, AttendanceMeasure, Deputy, QuorumRule, Seat


@admin.register(Agency)
class AgencyAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "is_statutory"]
    list_filter = ["kind", "is_statutory"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


class DeputyInline(SafeAutocompleteMixin, SentInputAdminMixin, admin.TabularInline):
    model = Deputy
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Seat)
class SeatAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["person_name", "body", "agency", "role", "starts_on", "ends_on"]
    list_filter = ["body", "role", "agency"]
    search_fields = ["person_name", "email", "agency__name", "body__name"]
    list_select_related = ["body", "agency"]
    autocomplete_fields = ["body", "agency", "user"]
    inlines = [DeputyInline]


@admin.register(QuorumRule)
class QuorumRuleAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["body", "kind", "number"]
    autocomplete_fields = ["body"]


@admin.register(AttendanceMeasure)
class AttendanceMeasureAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    """Which KPIs are computed from attendance, at which bodies' meetings (the KPI is marked computed)."""

    list_display = ["kpi"]
    autocomplete_fields = ["kpi"]
    filter_horizontal = ["bodies"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        kpi = form.instance.kpi
        if kpi.value_source != kpi.Source.ATTENDANCE:
            kpi.value_source = kpi.Source.ATTENDANCE
            kpi._history_user = request.user
            kpi.save(update_fields=["value_source"])
