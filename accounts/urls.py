"""Everything under /accounts/. The names are not namespaced: Django's own sign-in views look them up bare."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import PasswordResetByTaskForm, SignInForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("session/extend/", views.session_extend, name="session-extend"),
    # Two-factor sign-in: the code after the password, setting an authenticator app up, turning it off.
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/code/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("two-factor/turn-off/", views.two_factor_turn_off, name="two-factor-turn-off"),
    # Setting a first password and resetting a forgotten one: Django's own flow, by email.
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetByTaskForm),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
