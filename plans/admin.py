from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BusinessPlan, ReportingPeriod


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0
    fields = ["number", "starts_on", "ends_on", "deadline", "meeting_on", "state"]
    ordering = ["number"]


@admin.register(BusinessPlan)
class BusinessPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "year_label", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "year_label"]
    inlines = [ReportingPeriodInline]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "deadline", "meeting_on", "state"]
    list_filter = ["plan", "state"]
    ordering = ["plan", "number"]
