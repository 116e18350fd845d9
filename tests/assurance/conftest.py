import datetime

import pytest

from tests.factories import RequirementFactory, RequirementFrameworkFactory, ReturnFactory, UserFactory


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def contact(db):
    """An audit contact: the contact of one organisation's return, and nothing else."""
    return ReturnFactory(contact=UserFactory(username="contact-oak-primary")).contact


@pytest.fixture
def framework(action):
    """A framework of two requirements, in use alongside the active plan of the `action` fixture."""
    framework = RequirementFrameworkFactory(name="Ofsted requirements", effective_from=datetime.date(2015, 4, 1))
    RequirementFactory(framework=framework, number=1, text="Governance lets partners assess their duties.")
    RequirementFactory(framework=framework, number=2, text="Front-line practice is monitored and evaluated.")
    return framework


@pytest.fixture
def requirement(framework):
    return framework.requirements.get(number=1)
