from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SentInputAdminMixin
from plans.admin import BusinessPlanAdmin, PlanPartAdminMixin, PlanPartInlineMixin
from plans.models import BusinessPlan

from .models import PLAN_ORDER, Action, Objective, ProgressUpdate, StrategicPriority
from .services import plan_reorder


class ObjectiveInline(PlanPartInlineMixin, SentInputAdminMixin, admin.StackedInline):
    parent_plan_path = "plan"
    model = Objective
    extra = 0
    fields = ["ref", "position", "title", "evidence"]
    ordering = ["position", "pk"]
    show_change_link = True


class ActionInline(PlanPartInlineMixin, SentInputAdminMixin, admin.StackedInline):
    parent_plan_path = "priority__plan"
    model = Action
    extra = 0
    fields = [
        "ref",
        "position",
        "text",
        "lead",
        "lead_officer",
        "co_leads",
        "supporting",
        "due",
        "milestones",
        "archived",
    ]
    autocomplete_fields = ["lead", "co_leads", "supporting"]
    ordering = ["position", "pk"]
    show_change_link = True


@admin.register(StrategicPriority)
class StrategicPriorityAdmin(PlanPartAdminMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["ref", "title", "plan"]
    list_display_links = ["ref", "title"]
    list_filter = ["plan"]
    search_fields = ["title"]
    ordering = ["plan", "position", "pk"]
    inlines = [ObjectiveInline]


@admin.register(Objective)
class ObjectiveAdmin(PlanPartAdminMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    plan_path = "priority__plan"
    list_display = ["code", "title", "plan"]
    list_filter = ["priority__plan"]
    search_fields = ["title", "evidence"]
    ordering = ["priority__plan", "priority__position", "priority_id", "position", "pk"]
    list_select_related = ["priority__plan"]
    autocomplete_fields = ["priority"]
    inlines = [ActionInline]

    @admin.display(description="Plan")
    def plan(self, obj):
        return obj.priority.plan


@admin.register(Action)
class ActionAdmin(PlanPartAdminMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    plan_path = "objective__priority__plan"
    list_display = ["code", "text", "lead", "due", "archived"]
    list_filter = ["objective__priority__plan", "lead", "archived"]
    search_fields = ["text", "lead__name"]
    ordering = ["objective__priority__plan", *PLAN_ORDER]
    list_select_related = ["objective__priority", "lead"]
    autocomplete_fields = ["objective", "lead", "co_leads", "supporting"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(PlanPartAdminMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    plan_path = "period__plan"
    list_display = ["action", "period", "status", "author", "updated_at"]
    list_filter = ["period__plan", "status"]
    search_fields = ["progress", "impact", "action__text"]
    list_select_related = ["action__objective__priority", "period", "author"]
    autocomplete_fields = ["action", "author"]
    readonly_fields = ["version", "created_at", "updated_at"]


class StrategicPriorityInline(PlanPartInlineMixin, SentInputAdminMixin, admin.StackedInline):
    parent_plan_path = ""
    model = StrategicPriority
    extra = 0
    fields = ["ref", "position", "title"]
    ordering = ["position", "pk"]
    show_change_link = True


# Priorities belong to a plan, so the plan's page lists them; this app builds on plans, so it extends
# the plan's admin rather than the other way round.
admin.site.unregister(BusinessPlan)


@admin.register(BusinessPlan)
class BusinessPlanWithPrioritiesAdmin(BusinessPlanAdmin):
    inlines = [*BusinessPlanAdmin.inlines, StrategicPriorityInline]
    actions = ["reorder"]

    @admin.action(description="Set the positions of priorities, objectives and actions to 1, 2, 3 ... in their order")
    def reorder(self, request, queryset):
        for plan in queryset.exclude(status=BusinessPlan.Status.CLOSED):
            changed = plan_reorder(plan=plan, user=request.user)
            self.message_user(request, f"{plan}: {changed} position{'s' if changed != 1 else ''} changed.")
