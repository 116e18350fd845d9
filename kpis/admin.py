from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SentInputAdminMixin
from plans.admin import PlanPartAdminMixin, PlanPartInlineMixin
from priorities.admin import ObjectiveAdmin
from priorities.models import PLAN_ORDER, Objective

from .models import KPI, KPIValue


class KPIInline(PlanPartInlineMixin, SentInputAdminMixin, admin.StackedInline):
    parent_plan_path = "priority__plan"
    model = KPI
    extra = 0
    fields = [
        "ref",
        "position",
        "name",
        "kind",
        "owner",
        "target",
        "direction",
        "amber_tolerance",
        "frequency",
        "definition",
        "archived",
    ]
    autocomplete_fields = ["owner"]
    ordering = ["position", "pk"]


@admin.register(KPI)
class KPIAdmin(PlanPartAdminMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    plan_path = "objective__priority__plan"
    list_display = ["code", "name", "kind", "owner", "target"]
    list_filter = ["objective__priority__plan", "kind", "owner"]
    search_fields = ["name", "definition"]
    list_select_related = ["objective__priority", "owner"]
    autocomplete_fields = ["objective", "owner"]
    ordering = ["objective__priority__plan", *PLAN_ORDER]


@admin.register(KPIValue)
class KPIValueAdmin(PlanPartAdminMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    plan_path = "period__plan"
    list_display = ["kpi", "period", "value", "received", "entered_by"]
    list_filter = ["period__plan", "kpi__kind"]
    list_select_related = ["kpi__objective__priority", "period", "entered_by"]
    autocomplete_fields = ["kpi", "entered_by"]
    readonly_fields = ["version", "created_at", "updated_at"]


# KPIs belong to an objective, so the objective's page edits them too; this app builds on priorities,
# so it extends the objective's admin rather than the other way round.
admin.site.unregister(Objective)


@admin.register(Objective)
class ObjectiveWithKPIsAdmin(ObjectiveAdmin):
    inlines = [*ObjectiveAdmin.inlines, KPIInline]
