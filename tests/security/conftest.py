"""The demo plan with one account per role, and what the security tests need to reach every page."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assurance.models import Requirement
from audits.models import Return
from kpis.models import KPI
from meetings.models import Meeting
from planfile.demo import demo_load
from priorities.models import Action, ProgressUpdate
from reports.models import IssuedReport
from risks.models import Risk
from selfassessment.models import Window
from subgroups.models import Membership, Subgroup
from tests.factories import ControlFactory, EscalationFactory, ReviewFactory, RiskFactory, UserFactory

PASSWORD = "demo-password-for-tests"
# "contact": an audit contact of the organisation whose Section 11 return the sweep opens, and nothing else.
ROLES = ["anon", "chair", "member", "viewer", "manager", "admin", "contact"]
SIGNED_IN = ROLES[1:]
SWEEP_RISK = "R900"
User = get_user_model()


@dataclass
class Site:
    """The demo plan and the rows every URL's arguments come from."""

    plan: object
    users: dict
    action: Action  # led by the Quality Assurance sub, whose chair and member are personas
    open_period: object
    submitted: ProgressUpdate  # a submitted update of that subgroup, for the return page
    kpi: KPI  # owned by the Quality Assurance sub
    issued: IssuedReport
    extra: dict = field(default_factory=dict)

    @property
    def meeting(self):
        """A held meeting of the Quality Assurance sub, whose chair records it."""
        return Meeting.objects.filter(body__slug="quality-assurance", status="held").order_by("pk").first()

    @property
    def risk(self):
        """A risk the Quality Assurance sub holds, with a control, a review and an escalation."""
        return Risk.objects.get(reference=SWEEP_RISK)

    @property
    def meeting_item(self):
        return self.meeting.items.get()

    @property
    def audit_return(self):
        """A submitted (and moderated) Section 11 return of the demo, whose contact is none of the personas."""
        return Return.objects.get(round__kind="section_11", round__is_demo=True, organisation__slug="police")

    @property
    def self_assessment(self):
        """The demo's 2015/16 board self-assessment, with enough responses for its totals."""
        return Window.objects.get(plan=self.plan)

    @property
    def requirement(self):
        """The demo's first Ofsted requirement (its framework made from the plan)."""
        return Requirement.objects.filter(framework__plan=self.plan).order_by("number").first()

    def user(self, role):
        return None if role == "anon" else self.users[role]


@pytest.fixture
def site(db):
    plan, accounts = demo_load(password=PASSWORD)
    qa = Subgroup.objects.get(slug="quality-assurance")
    member = UserFactory(username="qa-member")
    member.set_password(PASSWORD)
    member.save()
    Membership.objects.create(subgroup=qa, user=member, role=Membership.Role.MEMBER)
    users = {
        "chair": accounts["chair-quality-assurance"],
        "member": member,
        "viewer": accounts["viewer"],
        "manager": accounts["manager"],
        "admin": accounts["admin"],
        "contact": User.objects.get(username="contact-police"),
    }
    open_period = plan.periods.get(number=4)
    action = Action.objects.in_plan(plan).filter(lead=qa).order_by("pk").first()
    submitted = (
        ProgressUpdate.objects.filter(action__lead=qa, action__objective__priority__plan=plan)
        .filter(state=ProgressUpdate.State.SUBMITTED)
        .select_related("action", "period")
        .order_by("pk")
        .first()
    )
    kpi = KPI.objects.filter(owner=qa, objective__priority__plan=plan).order_by("pk").first()
    # The sweep needs an issued report's address, not its rendering: the stored bytes stand in for the files.
    issued = IssuedReport.objects.create(
        plan=plan,
        kind=IssuedReport.Kind.EXECUTIVE,
        period_number=3,
        version=1,
        title="Safeguarding Executive report",
        meeting="Safeguarding Executive",
        issued_by=users["manager"],
        issued_at=timezone.now() - datetime.timedelta(days=1),
        body_html="<p>Issued.</p>",
        pdf=b"%PDF-1.4 issued",
        xlsx=b"PK issued",
        data={},
    )
    # A failed background task, for the admin's pages of the task queue.
    DBTaskResult.objects.create(
        task_path="accounts.tasks.password_email_send",
        args_kwargs={"args": [], "kwargs": {"kind": "set", "user_id": member.pk, "site_url": "", "key": "k"}},
        backend_name="default",
        status="FAILED",
        exception_class_path="smtplib.SMTPServerDisconnected",
        traceback="smtplib.SMTPServerDisconnected: Connection unexpectedly closed",
    )
    site = Site(plan, users, action, open_period, submitted, kpi, issued)
    site.meeting.items.create(kind="action", text="Circulate the neglect toolkit", owner="Rachel Turner")
    risk = RiskFactory(reference=SWEEP_RISK, lead_body=qa, level=Risk.Level.SUBGROUP)
    ControlFactory(risk=risk)
    ReviewFactory(risk=risk, reviewer=users["chair"])
    EscalationFactory(risk=RiskFactory(reference="R901"), by=users["manager"])
    return site
