"""Board bodies that lead work (subgroups, strategic groups, the Board, the Chair) and who sits on them."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

# Words that name the kind of body rather than the body itself, dropped from slugs so that
# "Quality Assurance sub" is `quality-assurance` and its chair's account `chair-quality-assurance`.
_SLUG_SUFFIXES = ("strategic-group", "sub-group", "subgroup", "strategic", "group", "sub")


def subgroup_slug(name):
    """The short, stable slug for a subgroup name."""
    slug = slugify(name)
    for suffix in _SLUG_SUFFIXES:
        if slug.endswith("-" + suffix):
            slug = slug[: -len(suffix) - 1]
            break
    return slug or slugify(name)


class SubgroupQuerySet(models.QuerySet):
    def for_user(self, user):
        """The subgroups the user is a chair or member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Subgroup(models.Model):
    class Kind(models.TextChoices):
        SUBGROUP = "subgroup", "Subgroup"
        STRATEGIC_GROUP = "strategic_group", "Strategic group"
        BOARD = "board", "Board"
        ROLE = "role", "Role"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUBGROUP)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = SubgroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="subgroup_name_unique_ignoring_case"),
        ]

    def __str__(self):
        return self.name

    @property
    def chairs(self):
        return [m.user for m in self.memberships.all() if m.role == Membership.Role.CHAIR]


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"

    subgroup = models.ForeignKey(Subgroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["subgroup__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["subgroup", "user"], name="one_membership_per_user_per_subgroup"),
            models.CheckConstraint(condition=models.Q(role__in=["chair", "member"]), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.subgroup}"
