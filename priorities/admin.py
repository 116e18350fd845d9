from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.admin import BusinessPlanAdmin
from plans.models import BusinessPlan

from .models import Action, Objective, ProgressUpdate, StrategicPriority


class ObjectiveInline(admin.StackedInline):
    model = Objective
    extra = 0
    fields = ["number", "title", "evidence"]
    ordering = ["number"]
    show_change_link = True


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    fields = ["number", "text", "lead", "co_leads", "supporting", "due", "milestones"]
    autocomplete_fields = ["lead", "co_leads", "supporting"]
    ordering = ["number"]
    show_change_link = True


@admin.register(StrategicPriority)
class StrategicPriorityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan"]
    list_display_links = ["number", "title"]
    list_filter = ["plan"]
    search_fields = ["title"]
    ordering = ["plan", "number"]
    inlines = [ObjectiveInline]


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["priority__plan"]
    search_fields = ["title", "evidence"]
    ordering = ["priority__plan", "priority__number", "number"]
    list_select_related = ["priority__plan"]
    autocomplete_fields = ["priority"]
    inlines = [ActionInline]

    @admin.display(description="Plan")
    def plan(self, obj):
        return obj.priority.plan


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "text", "lead", "due"]
    list_filter = ["objective__priority__plan", "lead"]
    search_fields = ["text", "lead__name"]
    ordering = ["objective__priority__plan", "objective__priority__number", "objective__number", "number"]
    list_select_related = ["objective__priority", "lead"]
    autocomplete_fields = ["objective", "lead", "co_leads", "supporting"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "period", "status", "author", "updated_at"]
    list_filter = ["period__plan", "status"]
    search_fields = ["progress", "impact", "action__text"]
    list_select_related = ["action__objective__priority", "period", "author"]
    autocomplete_fields = ["action", "author"]
    readonly_fields = ["version", "created_at", "updated_at"]


class StrategicPriorityInline(admin.StackedInline):
    model = StrategicPriority
    extra = 0
    fields = ["number", "title"]
    ordering = ["number"]
    show_change_link = True


# Priorities belong to a plan, so the plan's page lists them; this app builds on plans, so it extends
# the plan's admin rather than the other way round.
admin.site.unregister(BusinessPlan)


@admin.register(BusinessPlan)
class BusinessPlanWithPrioritiesAdmin(BusinessPlanAdmin):
    inlines = [*BusinessPlanAdmin.inlines, StrategicPriorityInline]
