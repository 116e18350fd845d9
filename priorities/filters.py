import django_filters
from django import forms
from django.db.models import Q

from subgroups.models import Subgroup

from .models import Action, Status


class ActionFilter(django_filters.FilterSet):
    """Filter a plan's actions by lead subgroup (alone or joint) and by this period's status."""

    lead = django_filters.ModelChoiceFilter(
        label="Lead subgroup",
        queryset=Subgroup.objects.none(),
        to_field_name="slug",
        method="filter_lead",
        empty_label="Any lead subgroup",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=Status.choices,
        field_name="status_value",
        empty_label="Any status",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    class Meta:
        model = Action
        fields = ["lead", "status"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # Two subqueries rather than joins to both relations: joined, every action a subgroup leads meets every
        # action it co-leads, and DISTINCT has to sort out the product.
        in_plan = Action.objects.filter(objective__priority__plan=plan)
        self.filters["lead"].queryset = Subgroup.objects.filter(
            Q(pk__in=in_plan.values("lead")) | Q(pk__in=in_plan.filter(co_leads__isnull=False).values("co_leads"))
        ).order_by("name")

    def filter_lead(self, queryset, name, value):
        return queryset.filter(pk__in=Action.objects.filter(Q(lead=value) | Q(co_leads=value)).values("pk"))
