from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SentInputAdminMixin

from .models import Evidence, Requirement, RequirementFramework, SelfGrade


class RequirementInline(SentInputAdminMixin, admin.TabularInline):
    model = Requirement
    fields = ["number", "text"]
    extra = 0
    show_change_link = True


@admin.register(RequirementFramework)
class RequirementFrameworkAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "effective_from", "plan", "is_demo"]
    fields = ["name", "description", "effective_from", "plan", "is_demo"]
    inlines = [RequirementInline]


@admin.register(Requirement)
class RequirementAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["framework", "number", "short_text"]
    list_filter = ["framework"]
    fields = ["framework", "number", "text", "carries_from", "is_demo"]
    filter_horizontal = ["carries_from"]
    search_fields = ["text", "framework__name"]
    list_select_related = ["framework"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "carries_from":
            kwargs["queryset"] = Requirement.objects.select_related("framework")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="requirement")
    def short_text(self, requirement):
        return requirement.text[:100]


@admin.register(Evidence)
class EvidenceAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["requirement", "kind", "status", "evidence_on", "added_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["requirement__framework", "added_by"]
    raw_id_fields = [
        "requirement",
        "action",
        "update",
        "kpi",
        "kpi_value",
        "meeting",
        "meeting_item",
        "risk",
        "risk_review",
        "round",
        "report",
        "added_by",
    ]
    readonly_fields = ["added_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SelfGrade)
class SelfGradeAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["requirement", "grade", "updated_by"]
    fields = ["requirement", "grade", "gaps"]
    list_select_related = ["requirement__framework", "updated_by"]
