import pytest

from audits.models import Framework
from tests.factories import (
    CriterionFactory,
    OrganisationFactory,
    ReturnFactory,
    RoundFactory,
    StandardFactory,
    UserFactory,
    make_school,
)


@pytest.fixture
def framework(db):
    """A Red/Amber/Green framework version of two standards of two criteria each."""
    framework = Framework.objects.create(kind="section_175", name="Section 175", version=50, scale="rag")
    for number in (1, 2):
        standard = StandardFactory(framework=framework, number=number, title=f"Standard {number}")
        for criterion in (1, 2):
            CriterionFactory(standard=standard, number=criterion, text=f"Criterion {number}.{criterion}")
    return framework


@pytest.fixture
def round(framework):
    return RoundFactory(framework=framework, kind="section_175", title="Section 175 audit 2015/16")


@pytest.fixture
def contact(db):
    return UserFactory(username="contact-oak-primary", first_name="Olive", last_name="Parry")


@pytest.fixture
def other_contact(db):
    return UserFactory(username="contact-elm-primary")


@pytest.fixture
def school(db):
    return make_school(name="Oak Primary School", slug="oak-primary", urn="103824")


@pytest.fixture
def the_return(round, school, contact):
    return ReturnFactory(round=round, organisation=school, contact=contact)


@pytest.fixture
def other_return(round, other_contact):
    return ReturnFactory(
        round=round, organisation=make_school(name="Elm Primary", slug="elm-primary"), contact=other_contact
    )


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def agency(db):
    return OrganisationFactory(name="West Midlands Police", slug="police")
