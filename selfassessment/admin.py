"""The questionnaires are edited in the admin by the board business manager: a questionnaire that has been
answered is read-only (its questions frozen); the action "Make a new version" copies it to be changed."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SentInputAdminMixin

from .models import Question, Questionnaire, Window
from .services import questionnaire_new_version


class QuestionInline(SentInputAdminMixin, admin.TabularInline):
    model = Question
    fields = ["order", "key", "text"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_frozen)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Questionnaire)
class QuestionnaireAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "version"]
    list_filter = ["kind"]
    fields = ["kind", "version", "title", "introduction"]
    inlines = [QuestionInline]
    actions = ["make_new_version"]

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "version", "title", "introduction"] if obj and obj.is_frozen else []

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            row._history_user = request.user
            row.save()
        for gone in formset.deleted_objects:
            gone._history_user = request.user
            gone.delete()

    @admin.action(description="Make a new version of the selected questionnaires")
    def make_new_version(self, request, queryset):
        for questionnaire in queryset:
            made = questionnaire_new_version(questionnaire=questionnaire, user=request.user)
            messages.success(request, f"Made {made}.")


@admin.register(Window)
class WindowAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "opens_on", "closes_on", "opened_at"]
    fields = ["plan", "body", "board_questionnaire", "member_questionnaire", "opens_on", "closes_on"]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
