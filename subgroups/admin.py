from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dscb.admin_widgets import SafeAutocompleteMixin, SentInputAdminMixin

from .models import Membership, Subgroup


class MembershipInline(SafeAutocompleteMixin, SentInputAdminMixin, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Subgroup)
class SubgroupAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SafeAutocompleteMixin, SentInputAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "subgroup", "role"]
    list_filter = ["role", "subgroup"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "subgroup__name"]
    autocomplete_fields = ["user", "subgroup"]
