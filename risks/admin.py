from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SafeAutocompleteMixin, SentInputAdminMixin

from .models import Control, Escalation, Review, Risk
from .schedule import next_review_on


class ControlInline(SentInputAdminMixin, admin.TabularInline):
    model = Control
    extra = 0
    fields = ["description", "owner", "effectiveness", "position"]


@admin.register(Risk)
class RiskAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    """The register's rows for the admin. Reviews and escalations are recorded on the risk's own pages, which keep
    the next review date and the escalation flag right; here the next review date follows the current score."""

    list_display = ["reference", "title", "level", "lead_body", "status", "next_review_on", "is_escalated"]
    list_filter = ["level", "status", "category", "is_escalated", "lead_body"]
    search_fields = ["reference", "title", "cause", "event", "effect", "owner_name"]
    list_select_related = ["lead_body"]
    autocomplete_fields = ["lead_body", "owner_user", "owner_agency", "objectives", "actions", "kpis"]
    readonly_fields = ["last_reviewed_on", "next_review_on", "is_escalated", "review_suggested"]
    inlines = [ControlInline]

    def save_model(self, request, obj, form, change):
        obj.next_review_on = next_review_on(obj.last_reviewed_on or obj.opened_on, obj.current.band)
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Control)
class ControlAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["risk", "description", "owner", "effectiveness"]
    list_filter = ["effectiveness"]
    search_fields = ["description", "owner", "risk__reference", "risk__title"]
    list_select_related = ["risk"]
    autocomplete_fields = ["risk"]


class RecordedOnTheRiskPageMixin:
    """Reviews and escalations are recorded on the risk's own pages, which move the risk's current score, next
    review date and escalation flag with them. Here they are read, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(RecordedOnTheRiskPageMixin, SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["risk", "reviewed_on", "meeting", "reviewer", "likelihood", "impact", "direction"]
    list_filter = ["direction"]
    search_fields = ["comment", "risk__reference", "risk__title"]
    list_select_related = ["risk", "meeting__body", "reviewer"]


@admin.register(Escalation)
class EscalationAdmin(RecordedOnTheRiskPageMixin, SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["risk", "kind", "on", "by"]
    list_filter = ["kind"]
    search_fields = ["reason", "risk__reference", "risk__title"]
    list_select_related = ["risk", "by"]
