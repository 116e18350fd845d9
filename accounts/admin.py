"""People in the Django admin: their subgroups and roles on one page; leavers deactivated, never deleted."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from dscb.admin_widgets import SafeAutocompleteMixin, SentInputAdminMixin
from subgroups.models import Membership
from subgroups.roles import BOARD_MANAGER, VIEWER

from .forms import NewPersonForm, PersonChangeForm
from .tasks import SET, password_email_enqueue

User = get_user_model()

# The groups someone who is not a superuser may give: the board-wide roles, never anything that grants more.
ROLE_GROUPS = [BOARD_MANAGER, VIEWER]


class PersonMembershipInline(SafeAutocompleteMixin, SentInputAdminMixin, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["subgroup"]
    verbose_name = "subgroup membership"


def send_set_password_email(request, user):
    """Email the person a link to choose their own password (Django's password-reset token), from a task."""
    password_email_enqueue(user=user, site_url=request.build_absolute_uri("/").rstrip("/"), kind=SET)


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(SentInputAdminMixin, UserAdmin):
    """People: their subgroups and roles on one page; new people choose their own password from an email.

    The board business manager (staff, not a superuser) adds and changes people but cannot make anyone a
    superuser, give permissions, give a group other than the roles, or change a superuser's account. Staff status
    (which lets someone into this admin) follows the Board manager role; only a superuser sets it otherwise.
    """

    form = PersonChangeForm
    add_form = NewPersonForm
    add_fieldsets = ((None, {"fields": ["username", "first_name", "last_name", "email", "groups"]}),)
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "groups", "memberships__subgroup"]
    actions = ["send_set_password", "deactivate"]

    def get_inlines(self, request, obj):
        return [PersonMembershipInline] if obj else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Fields left out of the fieldsets are left out of the form: a posted is_superuser is ignored.
        kept = []
        for name, options in fieldsets:
            fields = [
                field for field in options["fields"] if field not in {"is_staff", "is_superuser", "user_permissions"}
            ]
            kept.append((name, {**options, "fields": fields}))
        return kept

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return [*readonly, "last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        person = form.instance
        manager = person.groups.filter(name=BOARD_MANAGER).exists()
        staff = person.is_staff
        if manager:
            staff = True
        elif not request.user.is_superuser and not person.is_superuser:
            staff = False
        if staff != person.is_staff:
            person.is_staff = staff
            User.objects.filter(pk=person.pk).update(is_staff=staff)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        send_set_password_email(request, obj)
        self.message_user(request, f"An email with a link to set a password was sent to {obj.email}.")
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="Send a set-password email")
    def send_set_password(self, request, queryset):
        sent = 0
        for user in queryset.filter(is_active=True).exclude(email=""):
            send_set_password_email(request, user)
            sent += 1
        self.message_user(request, f"Sent {sent} set-password email{'s' if sent != 1 else ''}.")

    @admin.action(description="Deactivate (leavers): they can no longer sign in; their history stays")
    def deactivate(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.exclude(is_superuser=True)
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, "You cannot deactivate your own account.", messages.WARNING)
        self.message_user(request, f"Deactivated {count} account{'s' if count != 1 else ''}.")

    def has_delete_permission(self, request, obj=None):
        # People's names stay on everything they wrote: deactivate leavers instead of deleting them.
        return False
