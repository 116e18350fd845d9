"""People in the Django admin: their subgroups and roles on one page; leavers deactivated, never deleted."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dscb.admin_widgets import SafeAutocompleteMixin
from subgroups.models import Membership

from .forms import NewPersonForm

User = get_user_model()


class PersonMembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["subgroup"]
    verbose_name = "subgroup membership"


def send_set_password_email(request, user):
    """Email the person a link to choose their own password (Django's password-reset token)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "link": request.build_absolute_uri(path), "board_name": settings.BOARD_NAME}
    send_mail(
        subject=f"Your account for the {settings.BOARD_NAME} business plan",
        message=render_to_string("registration/set_password_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """People: their subgroups and roles on one page; new people choose their own password from an email."""

    add_form = NewPersonForm
    add_fieldsets = ((None, {"fields": ["username", "first_name", "last_name", "email", "groups"]}),)
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "groups", "memberships__subgroup"]
    actions = ["send_set_password", "deactivate"]

    def get_inlines(self, request, obj):
        return [PersonMembershipInline] if obj else []

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
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, "You cannot deactivate your own account.", messages.WARNING)
        self.message_user(request, f"Deactivated {count} account{'s' if count != 1 else ''}.")

    def has_delete_permission(self, request, obj=None):
        # People's names stay on everything they wrote: deactivate leavers instead of deleting them.
        return False
