"""Signing in and out, the session's timeout, two-factor sign-in and the lockout page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from dscb.redirects import next_url

from .audit import log_event
from .forms import CodeForm
from .sessions import TWO_FACTOR_STEP, seconds_left, session_refresh
from .two_factor import (
    SET_UP_KEY,
    base32_secret,
    code_matches_key,
    config_url,
    confirmed_device,
    device_confirm,
    device_remove,
    qr_code_svg,
    set_up_key,
    two_factor_required,
)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in it refuses: the lockout page, in the user's words (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    wait = "an hour" if minutes == 60 else f"{minutes} minutes"
    everywhere = getattr(request, "username_locked_out", False)
    limit = settings.AXES_USERNAME_FAILURE_LIMIT if everywhere else settings.AXES_FAILURE_LIMIT
    context = {"failure_limit": limit, "wait": wait, "everywhere": everywhere}
    return render(request, "registration/locked_out.html", context, status=429)


@require_POST
def session_extend(request):
    """'Stay signed in' from the timeout warning: restart the idle limit, say how long the session has now."""
    now = timezone.now()
    session_refresh(request, now, force=True)
    return JsonResponse({"seconds_left": seconds_left(request, now)})


@login_not_required
@require_safe
def signed_out(request):
    """Where the timeout warning sends someone whose session has ended."""
    if request.user.is_authenticated:
        return redirect(next_url(request))
    wanted = next_url(request, "")
    login_url = reverse("login") + (f"?{urlencode({'next': wanted})}" if wanted else "")
    return render(request, "registration/signed_out.html", {"login_url": login_url})


def _signed_in_with_code(request, device):
    """Mark the session as having passed two-factor sign-in, under a new session key."""
    otp_login(request, device)
    request.session.pop(TWO_FACTOR_STEP, None)
    request.session.pop(SET_UP_KEY, None)
    request.session.cycle_key()


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_verify(request):
    """The second step of signing in: the code from the user's authenticator app."""
    device = confirmed_device(request.user)
    if device is None or request.user.is_verified():
        request.session.pop(TWO_FACTOR_STEP, None)
        return redirect(next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "You have entered too many wrong codes. Wait a minute, then try again")
        elif device.verify_token(form.cleaned_data["code"]):
            _signed_in_with_code(request, device)
            log_event("two-factor-verified", request, request.user.get_username())
            return redirect(next_url(request))
        else:
            form.add_error("code", "The code is not right. Enter the 6 digits your authenticator app shows now")
        log_event("two-factor-failed", request, request.user.get_username())
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url(request, "")})


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_set_up(request):
    """Set two-factor sign-in up: the secret as a QR code and as text, confirmed with a first code."""
    user = request.user
    if confirmed_device(user) is not None and not user.is_verified():
        return redirect(reverse("two-factor-verify") + "?" + request.GET.urlencode())
    key = set_up_key(request.session)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if code_matches_key(key, form.cleaned_data["code"]):
            device = device_confirm(user=user, hex_key=key)
            _signed_in_with_code(request, device)
            log_event("two-factor-set-up", request, user.get_username())
            messages.success(request, "Two-factor sign-in is set up. You will enter a code each time you sign in.")
            return redirect(next_url(request, reverse("two-factor")))
        form.add_error("code", "The code is not right. Enter the 6 digits your authenticator app shows now")
    address = config_url(user, key)
    context = {
        "form": form,
        "secret": base32_secret(key),
        "address": address,
        "qr_code": qr_code_svg(address),
        "required": two_factor_required(user),
        "next": next_url(request, ""),
    }
    return render(request, "registration/two_factor_set_up.html", context)


@require_safe
def two_factor(request):
    """Whether two-factor sign-in is on for the user, with the way to set it up, replace it or turn it off."""
    return render(
        request,
        "registration/two_factor.html",
        {"device": confirmed_device(request.user), "required": two_factor_required(request.user)},
    )


@require_POST
def two_factor_turn_off(request):
    """Turn two-factor sign-in off, for a user who does not have to use it."""
    if confirmed_device(request.user) is not None and not request.user.is_verified():
        return redirect("two-factor-verify")
    if two_factor_required(request.user):
        messages.error(request, "Two-factor sign-in cannot be turned off for your account.")
    else:
        device_remove(user=request.user)
        request.session.pop(TWO_FACTOR_STEP, None)
        log_event("two-factor-turned-off", request, request.user.get_username())
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("two-factor")
