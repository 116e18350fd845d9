from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SafeAutocompleteMixin, SentInputAdminMixin

from .models import (
    AuditMeasure,
    ChallengeEvent,
    Criterion,
    CriterionAnswer,
    Framework,
    Organisation,
    Return,
    Round,
    ScaleLevel,
    Standard,
)
from .services import framework_new_version, round_scope_add
from .tasks import invitation_enqueue


def _in_use(framework):
    return framework is not None and framework.rounds.exists()


class FrozenWhenUsedMixin:
    """A framework version that a round has been run on is read-only: change it by making a new version."""

    def _framework(self, obj):
        return obj

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _in_use(self._framework(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _in_use(self._framework(obj))


class FrozenInlineMixin:
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _in_use(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _in_use(obj)


class ScaleLevelInline(FrozenInlineMixin, SentInputAdminMixin, admin.TabularInline):
    model = ScaleLevel
    extra = 0


class StandardInline(FrozenInlineMixin, SentInputAdminMixin, admin.TabularInline):
    model = Standard
    fields = ["number", "title"]
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(FrozenWhenUsedMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "version", "scale"]
    list_filter = ["kind"]
    inlines = [ScaleLevelInline, StandardInline]
    actions = ["make_new_version"]

    @admin.action(description="Make a new version to edit (rounds on this one keep it)")
    def make_new_version(self, request, queryset):
        for framework in queryset:
            copy = framework_new_version(framework=framework, user=request.user)
            messages.success(request, f"{copy} made: edit it, then run the next round on it.")


class CriterionInline(SentInputAdminMixin, admin.TabularInline):
    model = Criterion
    extra = 0

    def _in_use(self, obj):
        return obj is not None and _in_use(obj.framework)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_use(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_use(obj)


@admin.register(Standard)
class StandardAdmin(FrozenWhenUsedMixin, SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "framework"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    filter_horizontal = ["objectives", "kpis"]
    inlines = [CriterionInline]

    def _framework(self, obj):
        return obj.framework if obj else None


@admin.register(Organisation)
class OrganisationAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "urn", "phase"]
    list_filter = ["kind", "phase"]
    search_fields = ["name", "urn"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["agency"]


@admin.register(Round)
class RoundAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "framework", "opens_on", "closes_on"]
    autocomplete_fields = ["moderators"]
    list_filter = ["kind"]
    search_fields = ["title"]


@admin.register(Return)
class ReturnAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["organisation", "round", "state", "submitted_at", "receipt"]
    list_filter = ["round", "state"]
    list_select_related = ["organisation", "round"]
    autocomplete_fields = ["organisation", "contact", "substitute"]
    readonly_fields = ["receipt", "signed_off_at", "submitted_at", "prefilled_from"]
    actions = ["invite_again"]

    def save_model(self, request, obj, form, change):
        """A new organisation in scope goes through round_scope_add: pre-filled, and its contacts invited."""
        if change:
            return super().save_model(request, obj, form, change)
        made, _ = round_scope_add(
            round=obj.round,
            organisation=obj.organisation,
            contact=obj.contact,
            substitute=obj.substitute,
            user=request.user,
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
        obj.pk = made.pk
        return None

    @admin.action(description="Send the contacts their invitation again")
    def invite_again(self, request, queryset):
        site_url = request.build_absolute_uri("/").rstrip("/")
        for row in queryset.select_related("contact", "substitute"):
            for person in (row.contact, row.substitute):
                if person is not None:
                    invitation_enqueue(person=person, return_form=row, site_url=site_url)
        messages.success(request, "Invitations sent again.")


@admin.register(CriterionAnswer)
class CriterionAnswerAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "self_score", "moderated_score"]
    list_select_related = ["criterion__standard", "return_form__organisation", "return_form__round"]
    raw_id_fields = ["return_form", "criterion"]


@admin.register(ChallengeEvent)
class ChallengeEventAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "held_on"]
    list_select_related = ["return_form__organisation"]
    raw_id_fields = ["return_form"]


@admin.register(AuditMeasure)
class AuditMeasureAdmin(SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["kpi", "kind"]
    raw_id_fields = ["kpi"]
