"""factory_boy factories for the whole suite."""

import hashlib
import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from engagements.models import (
    AgendaItem,
    Engagement,
    Invitation,
    Meeting,
    Membership,
    Organization,
    Phase,
    ProcessTemplate,
    Role,
    StakeholderGroup,
    TemplatePhase,
)
from planning.schema import export_plan

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"District {n}")
    kind = Organization.Kind.DISTRICT


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Strategic Plan {n}")


class StakeholderGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderGroup

    engagement = factory.SubFactory(EngagementFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    quota = 4
    selected_by = "Board"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    engagement = factory.SubFactory(EngagementFactory)
    roles = factory.LazyFunction(lambda: [Role.PLAN_TEAM.value])


class ProcessTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessTemplate

    name = factory.Sequence(lambda n: f"Process {n}")
    owner = factory.SubFactory(UserFactory, can_facilitate=True)


class TemplatePhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplatePhase

    template = factory.SubFactory(ProcessTemplateFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Phase {n}")
    guiding_question = "Where are we now?"


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    engagement = factory.SubFactory(EngagementFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Phase {n}")
    guiding_question = "Where are we now?"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    phase = factory.SubFactory(PhaseFactory)
    engagement = factory.SelfAttribute("phase.engagement")
    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = Meeting.Kind.RETREAT
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    minutes = 30


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation with a known token: `InvitationFactory(token="abc")` (default: random)."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    engagement = factory.SubFactory(EngagementFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    full_name = factory.Faker("name")
    roles = factory.LazyFunction(lambda: [Role.PLAN_TEAM.value])
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    token_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.token.encode()).hexdigest())
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


# --- meetings: readings and attendance -----------------------------------------------------------


class ReadingFactory(factory.django.DjangoModelFactory):
    """A reading whose file is only a name (nothing written to storage): pass
    `file=ContentFile(b"%PDF-...", name="plan.pdf")` with a temporary MEDIA_ROOT for a real one."""

    class Meta:
        model = "engagements.Reading"

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Reading {n}")
    file = factory.Sequence(lambda n: f"engagements/readings/sample-{n}.pdf")
    original_name = "Enrollment report.pdf"
    content_type = "application/pdf"
    size = 2048


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagements.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    membership = factory.SubFactory(
        MembershipFactory, engagement=factory.SelfAttribute("..meeting.engagement")
    )
    status = "present"


# --- the environmental scan (evidence/models.py) -------------------------------------------------


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evidence.Indicator"

    engagement = factory.SubFactory(EngagementFactory)
    name = factory.Sequence(lambda n: f"Graduation rate {n}")
    unit = "%"
    source = "State report card"
    position = factory.Sequence(lambda n: n)


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evidence.IndicatorValue"

    indicator = factory.SubFactory(IndicatorFactory)
    year = factory.Sequence(lambda n: 2000 + n % 100)
    value = "81.00"
    breakdown = ""


class DataPackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evidence.DataPack"

    engagement = factory.SubFactory(EngagementFactory)
    title = "Where are we now? Our data picture"
    introduction = "Read these before the data retreat."


class DataPackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evidence.DataPackItem"

    pack = factory.SubFactory(DataPackFactory)
    indicator = factory.SubFactory(
        IndicatorFactory, engagement=factory.SelfAttribute("..pack.engagement")
    )
    position = factory.Sequence(lambda n: n)
    commentary = "What do these numbers tell us?"


# --- retreats ---------------------------------------------------------------------------------


class RetreatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "retreats.Retreat"

    phase = factory.SubFactory(PhaseFactory)
    engagement = factory.SelfAttribute("phase.engagement")
    title = factory.Sequence(lambda n: f"Retreat {n}")
    is_open = True
    join_code = factory.Sequence(lambda n: f"C{n:05d}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "retreats.Activity"

    retreat = factory.SubFactory(RetreatFactory)
    kind = "brainstorm"
    title = "How do we want to be different 5-10 years from now?"
    prompt = "How do we want to be different 5-10 years from now than we are today?"
    position = factory.Sequence(lambda n: n)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "retreats.Participant"

    retreat = factory.SubFactory(RetreatFactory)
    display_name = factory.Faker("first_name")


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "retreats.Card"

    activity = factory.SubFactory(ActivityFactory)
    author = factory.SubFactory(
        ParticipantFactory, retreat=factory.SelfAttribute("..activity.retreat")
    )
    text = factory.Sequence(lambda n: f"Idea number {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "retreats.Theme"

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


# --- the plan (planning/models.py) --------------------------------------------------------------


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Plan"

    engagement = factory.SubFactory(EngagementFactory)
    mission = "Every student, every day, ready for what comes next."
    vision = "A district where every learner thrives."


class ValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Value"

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Value {n}")
    position = factory.Sequence(lambda n: n)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Objective"

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    position = factory.Sequence(lambda n: n)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Goal"

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    position = factory.Sequence(lambda n: n)


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Strategy"

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Strategy {n}")
    position = factory.Sequence(lambda n: n)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Measure"

    goal = factory.SubFactory(GoalFactory)
    indicator = factory.Sequence(lambda n: f"Indicator {n}")
    position = factory.Sequence(lambda n: n)


class ActionStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.ActionStep"

    strategy = factory.SubFactory(StrategyFactory)
    description = factory.Sequence(lambda n: f"Action step {n}")
    position = factory.Sequence(lambda n: n)


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.PlanVersion"

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Draft {n + 1}")
    data = factory.LazyAttribute(lambda version: export_plan(version.plan))


# --- review and approval (planning/models.py) ---------------------------------------------------


class ReviewFactory(factory.django.DjangoModelFactory):
    """A draft under review, open from yesterday to a week from now, team only."""

    class Meta:
        model = "planning.Review"

    version = factory.SubFactory(PlanVersionFactory)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class CommentFactory(factory.django.DjangoModelFactory):
    """A member's comment on the whole draft (pass author=membership)."""

    class Meta:
        model = "planning.Comment"

    review = factory.SubFactory(ReviewFactory)
    element_kind = "plan"
    element_id = ""
    element_label = "The whole draft"
    body = factory.Sequence(lambda n: f"Comment {n}")


class FeedbackFactory(CommentFactory):
    """Public feedback through the review link."""

    is_public = True
    name = factory.Sequence(lambda n: f"Visitor {n}")
    category = "Parents and guardians"


class BuyInResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.BuyInResponse"

    review = factory.SubFactory(ReviewFactory)
    commits = "yes"


class BuyInAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.BuyInAnswer"

    response = factory.SubFactory(BuyInResponseFactory)
    support = 4


class ApprovalFactory(factory.django.DjangoModelFactory):
    """A final draft waiting for the superintendent (pass state= for later steps)."""

    class Meta:
        model = "planning.Approval"

    version = factory.SubFactory(PlanVersionFactory)
    plan = factory.LazyAttribute(lambda approval: approval.version.plan)
    rule = factory.LazyAttribute(lambda approval: approval.plan.approval_rule)


# --- reports (reports/models.py) ------------------------------------------------------------------


class ReportJobFactory(factory.django.DjangoModelFactory):
    """A one-page plan of the working copy, queued (pass state=, version=, content= as needed).
    Its content is a minimal one; tests that render use reports.selectors.content_for."""

    class Meta:
        model = "reports.ReportJob"

    engagement = factory.SubFactory(EngagementFactory)
    kind = "one_page"
    content = factory.LazyAttribute(
        lambda job: {"kind": job.kind, "status": {"source": "the working copy"}}
    )
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    queued_at = factory.LazyFunction(timezone.now)


# --- listening: surveys and listening sessions ------------------------------------------------


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "listening.Survey"

    engagement = factory.SubFactory(EngagementFactory)
    title = factory.Sequence(lambda n: f"Community survey {n}")
    introduction = "Tell us what matters to you."
    status = "open"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "listening.Question"

    survey = factory.SubFactory(SurveyFactory)
    kind = "choice"
    text = factory.Sequence(lambda n: f"Question {n}?")
    choices = factory.LazyAttribute(lambda q: ["Yes", "No"] if q.kind == "choice" else [])
    position = factory.Sequence(lambda n: n)


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "listening.Respondent"

    survey = factory.SubFactory(SurveyFactory)
    submitted_at = factory.LazyFunction(timezone.now)


class InvitedRespondentFactory(RespondentFactory):
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"respondent{n}@example.org")
    invitation_token_hash = factory.LazyFunction(
        lambda: hashlib.sha256(secrets.token_urlsafe(16).encode()).hexdigest()
    )
    invited_at = factory.LazyFunction(timezone.now)
    submitted_at = None


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "listening.Answer"

    respondent = factory.SubFactory(RespondentFactory)
    question = factory.SubFactory(QuestionFactory)
    choice = "Yes"


class ListeningSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "listening.ListeningSession"

    engagement = factory.SubFactory(EngagementFactory)
    kind = "town_hall"
    title = factory.Sequence(lambda n: f"Town hall {n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    place = "High school gym"


class ListeningCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "listening.Comment"

    session = factory.SubFactory(ListeningSessionFactory)
    engagement = factory.LazyAttribute(lambda c: c.session.engagement)
    text = "More counsellors, please."


# --- synthesis: themes tagged in what the community said ---------------------------------------


class VoiceThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "synthesis.VoiceTheme"

    engagement = factory.SubFactory(EngagementFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    position = factory.Sequence(lambda n: n)


class TaggingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "synthesis.Tagging"

    theme = factory.SubFactory(VoiceThemeFactory)
    comment = factory.SubFactory(
        ListeningCommentFactory, session__engagement=factory.SelfAttribute("...theme.engagement")
    )


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "synthesis.Quote"

    theme = factory.SubFactory(VoiceThemeFactory)
    comment = factory.SubFactory(
        ListeningCommentFactory, session__engagement=factory.SelfAttribute("...theme.engagement")
    )
    position = factory.Sequence(lambda n: n)
