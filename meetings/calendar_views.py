"""The calendar page and feeds: a person's private feed at a secret address they can reset, and the board's public
one. The feeds are read by calendar apps, which do not sign in: the private one is found by its secret alone."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from .calendar import board_calendar, person_calendar, site_host
from .models import CalendarFeed
from .services import calendar_feed_for, calendar_feed_reset

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _site_url(request):
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


@require_safe
def calendar_page(request):
    """The person's feed address, to copy into a calendar app, and the button that resets it."""
    feed = calendar_feed_for(user=request.user)
    context = {
        "feed_url": request.build_absolute_uri(reverse("meetings:person-feed", args=[feed.secret])),
        "board_url": request.build_absolute_uri(reverse("meetings:board-feed")),
    }
    return render(request, "meetings/calendar.html", context)


@require_POST
def calendar_reset(request):
    calendar_feed_reset(user=request.user)
    messages.success(
        request,
        "Your calendar has a new address. The old one no longer works: add the new one to your calendar app.",
    )
    return redirect("meetings:calendar")


@login_not_required
@require_safe
def person_feed(request, secret):
    """A person's private feed, found by its secret (a unique indexed field); any other address is not found."""
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    if feed is None:
        raise Http404("No such calendar.")
    body = person_calendar(
        user=feed.user, today=timezone.localdate(), host=site_host(request), site_url=_site_url(request)
    )
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@require_safe
def board_feed(request):
    """The board's public feed: its bodies' meetings, dates, times and bodies only."""
    body = board_calendar(today=timezone.localdate(), host=site_host(request))
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Cache-Control"] = "public, max-age=3600"
    return response
