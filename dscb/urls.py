from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import SignInForm

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signed-out/", views.signed_out, name="signed-out"),
    path("accounts/session/extend/", views.session_extend, name="session-extend"),
    # Two-factor sign-in: the code after the password, setting an authenticator app up, turning it off.
    path("accounts/two-factor/", views.two_factor, name="two-factor"),
    path("accounts/two-factor/code/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("accounts/two-factor/turn-off/", views.two_factor_turn_off, name="two-factor-turn-off"),
    # Setting a first password and resetting a forgotten one: Django's own flow, by email.
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("", include("plans.urls")),
    path("", include("priorities.urls")),
    path("", include("kpis.urls")),
    path("", include("work.urls")),
    path("", include("reports.urls")),
]

handler400 = "dscb.views.bad_request"
handler500 = "dscb.views.server_error"
