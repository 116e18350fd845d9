"""The risk register's forms, for the board business manager and the chair of a risk's lead body."""

from django.http import Http404


def risk_add(request):
    raise Http404


def risk_edit(request, reference):
    raise Http404


def control_add(request, reference):
    raise Http404


def control_edit(request, reference, pk):
    raise Http404


def review_add(request, reference):
    raise Http404


def escalation(request, reference):
    raise Http404


def risk_close(request, reference):
    raise Http404
