"""The risk register's pages for every signed-in reader: the register, a risk, the heat map and the export."""

from django.http import Http404


def register(request):
    raise Http404


def register_export(request):
    raise Http404


def heat_map(request):
    raise Http404


def risk_detail(request, reference):
    raise Http404
