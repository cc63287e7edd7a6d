"""A rich organization for the archive tests: the whole `make demo` (Riverside's plan under review
and its approved, lived 2021–2026 plan) plus, from factories, what the demo lacks: reading and
logo files, a finished PDF, board votes, a reply, a merged card, a moderation step, an objective,
a facilitator's own template, the update cycle and its e-mails, yearly targets, an override, a
public review link, long accented text."""

import hashlib
import io
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from engagements.demo import PREVIOUS_PLAN
from engagements.models import Engagement, Meeting, Membership, PhaseChange, ProcessTemplate, Role
from listening.models import Answer, ListeningSettings, Respondent
from listening.models import Comment as Voice
from monitoring.models import (
    CycleEmail,
    MonitoredMeasure,
    StatusOverride,
    UpdateCycle,
    YearlyTarget,
)
from planning.models import Approval, BoardVote, Comment, Goal, PlanVersion, Review
from reports.models import BoardReportMailing, BoardReportNote, ReportJob, ReportSettings
from retreats.models import Activity, Card, ModerationAction, Retreat
from synthesis.models import BoardSeed, Quote, Tagging, VoiceTheme
from tests.factories import (
    DataPackFactory,
    DataPackItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ListeningSessionFactory,
    MeetingFactory,
    ObjectiveFactory,
    ProcessTemplateFactory,
    QuestionFactory,
    ReadingFactory,
    ReportJobFactory,
    StakeholderGroupFactory,
    SurveyFactory,
    TemplatePhaseFactory,
)

LONG = "Équité, réussite et bien-être pour chaque élève — naïve café " * 9  # 549 characters
PDF = b"%PDF-1.4\n% \xe2\xe3\xcf\xd3 one-page plan\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def rich_world() -> tuple[Engagement, Engagement]:
    """Load the demo and enrich it; returns (the plan under review, the approved lived plan)."""
    call_command("load_demo", stdout=io.StringIO())
    riverside = Engagement.objects.get(name="Strategic Plan 2027–2032")
    previous = Engagement.objects.get(name=PREVIOUS_PLAN)
    members = list(Membership.objects.filter(engagement=previous).select_related("user"))
    user = next(m.user for m in members if m.has_role(Role.FACILITATOR))

    # The engagement started from the facilitator's own copy of a built-in template.
    builtin = ProcessTemplate.objects.get(key="district-9-step")
    own = ProcessTemplateFactory(owner=user, copied_from=builtin, name="Our 9 steps, révisées")
    TemplatePhaseFactory(template=own, name="Préparation", position=0)
    Engagement.objects.filter(pk=riverside.pk).update(template=own)
    Engagement.objects.filter(pk=previous.pk).update(
        handed_off_by=user, handed_off_at=timezone.now() - timedelta(days=30)
    )

    meeting = Meeting.objects.filter(engagement=riverside).first()
    ReadingFactory(
        meeting=meeting,
        title="Rapport d’inscription",
        file=ContentFile(PDF, name="Inscriptions é.pdf"),
        original_name="Inscriptions é.pdf",
        size=len(PDF),
        uploaded_by=user,
    )
    ReportSettings.objects.update_or_create(
        engagement=previous,
        defaults={
            "logo": ContentFile(PNG, name="logo.png"),
            "logo_sha256": hashlib.sha256(PNG).hexdigest(),
            "paper": "a4",
        },
    )
    approved = PlanVersion.objects.filter(plan__engagement=previous).order_by("-number").first()
    goal = Goal.objects.filter(plan__engagement=previous).first()
    job = ReportJobFactory(
        engagement=previous,
        version=approved,
        requested_by=user,
        state=ReportJob.State.DONE,
        content={"kind": "one_page", "goals": [str(goal.pk)], "status": {"source": "Draft 2"}},
        attempt=1,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        render_ms=321,
        pages=1,
        size=len(PDF),
    )
    job.file.save(f"reports/{previous.pk}/{job.pk}-1.pdf", ContentFile(PDF), save=True)

    approval = Approval.objects.filter(plan__engagement=previous).first()
    for board in [m for m in members if m.has_role(Role.BOARD)][:2]:
        BoardVote.objects.create(approval=approval, membership=board, choice="approve", note=LONG)

    review = Review.objects.filter(version__plan__engagement=riverside).first()
    Review.objects.filter(pk=review.pk).update(
        public_token_hash=hashlib.sha256(b"public").hexdigest(),
        public_link_made_at=timezone.now(),
    )
    top = Comment.objects.filter(review=review, parent=None, is_public=False).first()
    Comment.objects.create(
        review=review, parent=top, author=top.author, body=LONG, element_kind=top.element_kind,
        element_id=top.element_id, element_label=top.element_label,
    )  # fmt: skip

    for number, retreat in enumerate(Retreat.objects.filter(engagement=riverside)):
        retreat.is_public_meeting = True
        retreat.observer_token = f"observer-token-{number}"
        retreat.observer_link_made_at = timezone.now()
        retreat.save()
    activity = Activity.objects.filter(retreat__engagement=riverside).first()
    first, second = Card.objects.filter(activity=activity)[:2]
    Card.objects.filter(pk=second.pk).update(merged_into=first, hidden=True, text=LONG[:500])
    ModerationAction.objects.create(
        activity=activity, kind="merge", by=user, undo={"cards": [{"id": str(second.pk)}]}
    )
    # The environmental scan: indicators by year and group, a data pack read before a meeting,
    # a card citing an indicator as evidence and a board showing one on the projector.
    indicator = IndicatorFactory(engagement=riverside, name="Taux de réussite", note=LONG[:500])
    IndicatorValueFactory(indicator=indicator, year=2024, value="81.50")
    IndicatorValueFactory(indicator=indicator, year=2025, value="79.25", breakdown="Élèves")
    pack = DataPackFactory(engagement=riverside, meeting=meeting, introduction=LONG)
    DataPackItemFactory(pack=pack, indicator=indicator, commentary=LONG[:400])
    Card.objects.filter(pk=first.pk).update(evidence=indicator)
    Activity.objects.filter(pk=activity.pk).update(shown_indicator=indicator)
    plan = riverside.plan
    ObjectiveFactory(plan=plan, title="Objectif : réussite", description=LONG)
    PhaseChange.objects.filter(engagement=riverside).update(reason=LONG)

    runner = members[0]
    UpdateCycle.objects.create(engagement=previous, cadence="term", runner=runner,
                               term_ends=["2026-12-18", "2027-03-26"])  # fmt: skip
    CycleEmail.objects.create(
        engagement=previous, user=user, kind="nudge", period_start=date(2026, 11, 1),
        sent_on=date(2026, 11, 14), items=3, sent_by=user,
    )  # fmt: skip
    measure = MonitoredMeasure.objects.filter(engagement=previous).first()
    YearlyTarget.objects.create(measure=measure, school_year=2027, value="78.50")
    StatusOverride.objects.create(measure=measure, status="behind", reason=LONG, set_by=user)

    # The board report: the plan lead's note for a period (its highlights name a measure by id)
    # and the e-mail sent before a board meeting.
    BoardReportNote.objects.create(
        engagement=previous, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30),
        cover_note=LONG, highlights=[f"measure:{measure.pk}"], updated_by=user,
    )  # fmt: skip
    board_meeting = MeetingFactory(
        phase=previous.phases.order_by("position").last(), kind=Meeting.Kind.BOARD,
        title="Réunion du conseil", notes=LONG,
    )  # fmt: skip
    BoardReportMailing.objects.create(
        meeting=board_meeting, engagement=previous, period_start=date(2026, 11, 1), job=job,
        recipients=[user.email],
    )  # fmt: skip

    # Listening: a survey with a public link, an invited respondent's choice and open answer,
    # and a town hall's comment.
    group = StakeholderGroupFactory(engagement=riverside, name="Parents et tuteurs")
    survey = SurveyFactory(engagement=riverside, title="Sondage : écoute", public_token="pub-tok")
    choice = QuestionFactory(survey=survey, kind="choice", choices=["Oui", "Non"])
    written = QuestionFactory(survey=survey, kind="open", text="Qu’est-ce qui compte ?")
    person = Respondent.objects.create(
        survey=survey, stakeholder_group=group, name="Zoë", email="zoe@example.org",
        invitation_token_hash=hashlib.sha256(b"invited").hexdigest(),
        invited_at=timezone.now(), submitted_at=timezone.now(),
    )  # fmt: skip
    Answer.objects.create(respondent=person, question=choice, choice="Oui")
    answer = Answer.objects.create(respondent=person, question=written)
    Voice.objects.create(engagement=riverside, answer=answer, text=LONG, stakeholder_group=group)
    session = ListeningSessionFactory(engagement=riverside, kind="lets_talk", title="Let’s Talk")
    said = Voice.objects.create(
        engagement=riverside, session=session, text="Plus d’art", entered_by=user
    )

    ListeningSettings.objects.create(engagement=riverside, contact_retention_days=30)

    # Synthesis: a theme tagged on both voices, one quote, a card it seeded on a board and a
    # goal it became.
    theme = VoiceTheme.objects.create(
        engagement=riverside, name="Arts et musique", description=LONG
    )
    for voice in Voice.objects.filter(engagement=riverside):
        Tagging.objects.create(theme=theme, comment=voice, tagged_by=user)
    Quote.objects.create(theme=theme, comment=said, position=0)
    BoardSeed.objects.create(
        theme=theme, activity=activity, card=first, text="Community input: Arts — 2 comments",
        comments=2, by=user,
    )  # fmt: skip
    Goal.objects.filter(pk=Goal.objects.filter(plan__engagement=riverside).first().pk).update(
        source_voice_theme=theme, source_kind="voices", source_text=theme.name, source_dots=2
    )
    return riverside, previous
