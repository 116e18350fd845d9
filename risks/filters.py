"""The register's filters: level, band, lead body, owner, category, status (open unless chosen), overdue review,
review suggested, escalated, and a cell of the heat map. Bands are read from the matrix as the list of its cells, so
the database filters them with no product worked out in Python or SQL."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from subgroups.models import Subgroup

from .heatmap import SCORES
from .matrix import SCALE, band_cells, bands
from .models import Risk

SELECT = {"class": "govuk-select"}
CHECKBOX = {"class": "govuk-checkboxes__input"}
SCALE_CHOICES = [(str(point), str(point)) for point in SCALE]


def score_cells(score, cells):
    """A condition matching risks whose `score` (inherent, current or target) is in one of the cells."""
    condition = Q(pk__in=[])
    for likelihood, impact in cells:
        condition |= Q(**{f"{score}_likelihood": likelihood, f"{score}_impact": impact})
    return condition


def overdue(today=None):
    """Open risks whose next review date has passed."""
    return Q(status=Risk.Status.OPEN, next_review_on__lt=today or timezone.localdate())


class RiskFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        label="Level",
        choices=Risk.Level.choices,
        method="filter_level",
        empty_label="Any level",
        widget=forms.Select(attrs=SELECT),
    )
    score = django_filters.ChoiceFilter(
        label="Score",
        choices=list(SCORES.items()),
        method="filter_nothing",
        empty_label=None,
        widget=forms.Select(attrs={**SELECT, "aria-describedby": "id_score-hint"}),
        help_text="Which score the band and the heat map cell are read from.",
    )
    band = django_filters.ChoiceFilter(
        label="Band",
        choices=[],
        method="filter_band",
        empty_label="Any band",
        widget=forms.Select(attrs=SELECT),
    )
    lead_body = django_filters.ModelChoiceFilter(
        label="Lead body",
        queryset=Subgroup.objects.none(),
        to_field_name="slug",
        empty_label="Any lead body",
        widget=forms.Select(attrs=SELECT),
    )
    owner = django_filters.CharFilter(
        label="Owner's name",
        field_name="owner_name",
        lookup_expr="icontains",
        max_length=120,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    category = django_filters.ChoiceFilter(
        label="Category",
        choices=Risk.Category.choices,
        empty_label="Any category",
        widget=forms.Select(attrs=SELECT),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=Risk.Status.choices,
        empty_label="Open or closed",
        widget=forms.Select(attrs=SELECT),
    )
    likelihood = django_filters.ChoiceFilter(
        label="Likelihood",
        choices=SCALE_CHOICES,
        method="filter_axis",
        empty_label="Any likelihood",
        widget=forms.Select(attrs=SELECT),
    )
    impact = django_filters.ChoiceFilter(
        label="Impact",
        choices=SCALE_CHOICES,
        method="filter_axis",
        empty_label="Any impact",
        widget=forms.Select(attrs=SELECT),
    )
    overdue = django_filters.BooleanFilter(
        label="Review overdue", method="filter_overdue", widget=forms.CheckboxInput(attrs=CHECKBOX)
    )
    suggested = django_filters.BooleanFilter(
        label="Review suggested", method="filter_suggested", widget=forms.CheckboxInput(attrs=CHECKBOX)
    )
    escalated = django_filters.BooleanFilter(
        label="Escalated to the Board", method="filter_escalated", widget=forms.CheckboxInput(attrs=CHECKBOX)
    )

    CHECKBOXES = ("overdue", "suggested", "escalated")

    class Meta:
        model = Risk
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # Open risks unless the reader chose otherwise ("Open or closed" sends an empty status); the current score
        # unless another is chosen.
        data = data.copy() if data is not None else {}
        if "status" not in data:
            data["status"] = Risk.Status.OPEN
        if not data.get("score"):
            data["score"] = "current"
        super().__init__(data, *args, **kwargs)
        self.filters["band"].extra["choices"] = [(band.code, band.label) for band in bands()]
        self.filters["lead_body"].queryset = Subgroup.objects.filter(pk__in=Risk.objects.values("lead_body")).order_by(
            "name"
        )

    @property
    def chosen_score(self):
        score = getattr(self.form, "cleaned_data", {}).get("score")
        return score if score in SCORES else "current"

    @property
    def filtering(self):
        """Whether anything beyond the defaults (open risks, current score) is chosen."""
        data = self.data
        chosen = any(data.get(name) not in (None, "") for name in self.filters if name not in ("status", "score"))
        return chosen or data.get("status") != Risk.Status.OPEN or data.get("score") != "current"

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_level(self, queryset, name, value):
        # The Board's register holds its own risks and the Safeguarding Executive's escalated to it.
        if value == Risk.Level.BOARD:
            return queryset.filter(Q(level=value) | Q(is_escalated=True))
        return queryset.filter(level=value)

    def filter_band(self, queryset, name, value):
        return queryset.filter(score_cells(self.chosen_score, band_cells(value)))

    def filter_axis(self, queryset, name, value):
        return queryset.filter(**{f"{self.chosen_score}_{name}": int(value)})

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue()) if value else queryset

    def filter_suggested(self, queryset, name, value):
        return queryset.exclude(review_suggested="") if value else queryset

    def filter_escalated(self, queryset, name, value):
        return queryset.filter(is_escalated=True) if value else queryset
