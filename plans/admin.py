from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SafeAutocompleteMixin, SentInputAdminMixin

from .models import BusinessPlan, ReportingPeriod

KEEP_HISTORY = (
    "It cannot be deleted: it has progress updates or KPI values, which are the board's record. "
    "Tick 'Archived' on the action or KPI instead: it leaves the plan's pages and reports, and its history is kept."
)


def plan_of(obj, path):
    """The plan an object belongs to, following `path` (e.g. 'objective__priority__plan'; '' for a plan)."""
    for step in filter(None, path.split("__")):
        obj = getattr(obj, step, None) if obj is not None else None
    return obj


class PlanPartAdminMixin(SafeAutocompleteMixin):
    """Read-only once the plan is closed; deletions that would lose history are explained, not just refused."""

    plan_path = "plan"

    def _closed(self, obj):
        plan = plan_of(obj, self.plan_path) if obj is not None else None
        return plan is not None and plan.status == BusinessPlan.Status.CLOSED

    def has_change_permission(self, request, obj=None):
        return not self._closed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._closed(obj) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            messages.error(request, KEEP_HISTORY)
        return deleted, counts, perms_needed, protected


class PlanPartInlineMixin(SafeAutocompleteMixin):
    """Inlines of a closed plan's objects: nothing added, changed or deleted."""

    parent_plan_path = "plan"

    def _closed(self, parent):
        plan = plan_of(parent, self.parent_plan_path) if parent is not None else None
        return plan is not None and plan.status == BusinessPlan.Status.CLOSED

    def has_add_permission(self, request, obj=None):
        return not self._closed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._closed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._closed(obj) and super().has_delete_permission(request, obj)


class ReportingPeriodInline(PlanPartInlineMixin, SentInputAdminMixin, admin.TabularInline):
    model = ReportingPeriod
    parent_plan_path = ""
    extra = 0
    fields = ["number", "starts_on", "ends_on", "deadline", "papers_deadline", "meeting_on", "state"]
    readonly_fields = ["state"]
    ordering = ["number"]


@admin.register(BusinessPlan)
class BusinessPlanAdmin(PlanPartAdminMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    plan_path = ""
    list_display = ["title", "slug", "year_label", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "year_label"]
    inlines = [ReportingPeriodInline]

    def get_readonly_fields(self, request, obj=None):
        """A plan's status moves only through its own pages: activating next year closes this year and locks its
        periods in one step, which a status typed here would skip."""
        return ["status"] if obj is not None else []


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(PlanPartAdminMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "deadline", "papers_deadline", "meeting_on", "state"]
    list_filter = ["plan", "state"]
    ordering = ["plan", "number"]
    # Opened, locked and unlocked on the periods page, whose rules (a closed plan's periods stay locked) this
    # form would skip.
    readonly_fields = ["state"]
