import functools

import django_filters
from django import forms
from django.db.models import Q
from django.dispatch import receiver
from django.utils.autoreload import file_changed
from django_filters.fields import ModelChoiceIterator

from dscb.prepared import PreparedQuery
from subgroups.models import Subgroup

from .models import Action, Status

# What DrawnOnceSelect has drawn, by everything each select shows; emptied when full.
_drawn_selects = {}
DRAWN_SELECTS_KEPT = 64


class DrawnOnceSelect(forms.Select):
    """A select drawn once per content and then reused: the key is everything the select shows (its name,
    attributes, options and the value chosen), so a change of any of them draws it afresh. Django draws each option
    from a template of its own; for the plan page's two filters that cost more than the rest of the form."""

    def render(self, name, value, attrs=None, renderer=None):
        # Read once: the lead filter's options come from a query, which drawing them would run again (and list()
        # would count first, with one more).
        self.choices = [choice for choice in self.choices]  # noqa: C416
        key = (
            type(self),
            type(renderer),
            name,
            tuple(str(item) for item in self.format_value(value)),
            tuple(sorted((str(k), str(v)) for k, v in self.build_attrs(self.attrs, attrs).items())),
            tuple((str(option), str(label)) for option, label in self.choices),
        )
        html = _drawn_selects.get(key)
        if html is None:
            html = super().render(name, value, attrs=attrs, renderer=renderer)
            if len(_drawn_selects) >= DRAWN_SELECTS_KEPT:
                _drawn_selects.clear()
            _drawn_selects[key] = html
        return html


@receiver(file_changed, dispatch_uid="filters_template_changed")
def _template_changed(sender, file_path, **kwargs):
    """Under runserver, an edited template is drawn afresh, as the template loaders' own cache is emptied."""
    _drawn_selects.clear()


def _lead_subgroups(*, plan_id):
    """The subgroups that lead or jointly lead an action of the plan, by name. Two subqueries rather than joins to
    both relations: joined, every action a subgroup leads meets every action it co-leads, and DISTINCT has to sort out
    the product."""
    in_plan = Action.objects.filter(objective__priority__plan=plan_id)
    return Subgroup.objects.filter(
        Q(pk__in=in_plan.values("lead")) | Q(pk__in=in_plan.filter(co_leads__isnull=False).values("co_leads"))
    ).order_by("name")


_prepared_lead_subgroups = PreparedQuery(_lead_subgroups)


class _LeadChoices(ModelChoiceIterator):
    """The lead filter's options: the empty choice, then _lead_subgroups' rows from the query prepared once per
    process. (The filter has no "null" choice.)"""

    def __init__(self, field, *, plan_id):
        super().__init__(field)
        self.plan_id = plan_id

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for subgroup in _prepared_lead_subgroups.rows(plan_id=self.plan_id):
            yield self.choice(subgroup)


class ActionFilter(django_filters.FilterSet):
    """Filter a plan's actions by lead subgroup (alone or joint) and by this period's status."""

    lead = django_filters.ModelChoiceFilter(
        label="Lead subgroup",
        queryset=Subgroup.objects.none(),
        to_field_name="slug",
        method="filter_lead",
        empty_label="Any lead subgroup",
        widget=DrawnOnceSelect(attrs={"class": "govuk-select"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=Status.choices,
        field_name="status_value",
        empty_label="Any status",
        widget=DrawnOnceSelect(attrs={"class": "govuk-select"}),
    )

    class Meta:
        model = Action
        fields = ["lead", "status"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_id = plan.pk
        self.filters["lead"].queryset = _lead_subgroups(plan_id=plan.pk)

    @property
    def form(self):
        """The form, its lead options read by a query built once per process (the chosen lead is still checked
        against the field's queryset, the same query)."""
        if not hasattr(self, "_form"):
            form = super().form
            lead = form.fields["lead"]
            lead.iterator = functools.partial(_LeadChoices, plan_id=self.plan_id)
            lead.widget.choices = lead.choices
        return self._form

    def filter_lead(self, queryset, name, value):
        return queryset.filter(pk__in=Action.objects.filter(Q(lead=value) | Q(co_leads=value)).values("pk"))
