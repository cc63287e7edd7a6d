"""Walk every URL of the project: each view must be marked public, signed-in or members-only
(engagements.access), and must behave as its mark says. A new view that forgets fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from engagements.access import FACILITATOR_ACCOUNTS, MEMBERS, PARTICIPANTS, PUBLIC, SIGNED_IN
from planning.services import plan_for
from tests.factories import (
    ActionStepFactory,
    ActivityFactory,
    AgendaItemFactory,
    CardFactory,
    CommentFactory,
    DataPackFactory,
    DataPackItemFactory,
    GoalFactory,
    IndicatorFactory,
    InvitationFactory,
    InvitedRespondentFactory,
    ListeningCommentFactory,
    ListeningSessionFactory,
    MeasureFactory,
    MeetingFactory,
    MembershipFactory,
    ParticipantFactory,
    PhaseFactory,
    PlanVersionFactory,
    ProcessTemplateFactory,
    QuestionFactory,
    QuoteFactory,
    ReadingFactory,
    ReportJobFactory,
    RetreatFactory,
    StakeholderGroupFactory,
    SurveyFactory,
    TemplatePhaseFactory,
    ThemeFactory,
    UserFactory,
    VoiceThemeFactory,
)

pytestmark = pytest.mark.django_db


def walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's admin has its own staff-only protection.
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}:{entry.name}" if namespace else entry.name, entry


ALL_VIEWS = list(walk(get_resolver().url_patterns))


def sample_kwargs(pattern, world):
    """Real ids of another organization's (or facilitator's) objects for each URL argument.

    Each value is made only when a URL needs it. A new URL argument needs an entry here.
    """
    foreign = world.foreign_engagement
    retreats = []

    def foreign_retreat():
        if not retreats:
            retreats.append(RetreatFactory(phase=PhaseFactory(engagement=foreign), is_open=True))
        return retreats[0]

    samples = {
        "engagement_id": lambda: foreign.pk,
        "uidb64": lambda: "MQ",
        "token": lambda: "set-password",
        "template_id": lambda: ProcessTemplateFactory().pk,
        "template_phase_id": lambda: TemplatePhaseFactory().pk,
        "phase_id": lambda: PhaseFactory(engagement=foreign).pk,
        "group_id": lambda: StakeholderGroupFactory(engagement=foreign).pk,
        "membership_id": lambda: MembershipFactory(engagement=foreign).pk,
        "invitation_id": lambda: InvitationFactory(engagement=foreign).pk,
        "retreat_id": lambda: foreign_retreat().pk,
        "activity_id": lambda: ActivityFactory(retreat=foreign_retreat()).pk,
        "card_id": lambda: CardFactory(activity__retreat=foreign_retreat()).pk,
        "theme_id": lambda: ThemeFactory(activity__retreat=foreign_retreat()).pk,
        "participant_id": lambda: ParticipantFactory(retreat=foreign_retreat()).pk,
        "code": lambda: foreign_retreat().join_code,
        "meeting_id": lambda: MeetingFactory(phase__engagement=foreign).pk,
        "item_id": lambda: AgendaItemFactory(meeting__phase__engagement=foreign).pk,
        "kind": lambda: "goal",
        "element_id": lambda: GoalFactory(plan=plan_for(foreign)).pk,
        "source_kind": lambda: "card",
        "source_id": lambda: (
            CardFactory(activity__retreat=foreign_retreat(), carry_forward=True).pk
        ),
        "number": lambda: PlanVersionFactory(plan=plan_for(foreign)).number,
        "comment_id": lambda: (
            CommentFactory(review__version=PlanVersionFactory(plan=plan_for(foreign))).pk
        ),
        "reading_id": lambda: ReadingFactory(meeting__phase__engagement=foreign).pk,
        "job_id": lambda: ReportJobFactory(engagement=foreign).pk,
        "step_id": lambda: ActionStepFactory(strategy__goal__plan=plan_for(foreign)).pk,
        "measure_id": lambda: MeasureFactory(goal__plan=plan_for(foreign)).pk,
        "indicator_id": lambda: IndicatorFactory(engagement=foreign).pk,
        "pack_id": lambda: DataPackFactory(engagement=foreign).pk,
        "pack_item_id": lambda: DataPackItemFactory(pack__engagement=foreign).pk,
        "survey_id": lambda: SurveyFactory(engagement=foreign).pk,
        "question_id": lambda: QuestionFactory(survey__engagement=foreign).pk,
        "session_id": lambda: ListeningSessionFactory(engagement=foreign).pk,
        "entry_id": lambda: ListeningCommentFactory(session__engagement=foreign).pk,
        "voice_comment_id": lambda: ListeningCommentFactory(session__engagement=foreign).pk,
        "voice_theme_id": lambda: VoiceThemeFactory(engagement=foreign).pk,
        "quote_id": lambda: QuoteFactory(theme__engagement=foreign).pk,
        "respondent_id": lambda: InvitedRespondentFactory(survey__engagement=foreign).pk,
    }
    missing = [name for name in pattern.pattern.converters if name not in samples]
    assert not missing, (
        f"Add a sample value for {missing} in tests/test_url_protection.py:sample_kwargs "
        f"so the URL check can reach {pattern.pattern}"
    )
    return {name: samples[name]() for name in pattern.pattern.converters}


def test_the_walk_finds_the_views():
    names = {name for name, _ in ALL_VIEWS}
    assert {"accounts:sign-in", "engagements:home", "engagements:detail"} <= names


@pytest.mark.parametrize("name,pattern", ALL_VIEWS, ids=[name for name, _ in ALL_VIEWS])
def test_every_view_is_marked(name, pattern):
    rule = getattr(pattern.callback, "access_rule", None)
    assert rule in {PUBLIC, SIGNED_IN, FACILITATOR_ACCOUNTS, MEMBERS, PARTICIPANTS}, (
        f"View {name} is not protected: decorate it with public, signed_in, "
        "facilitator_accounts, members_only or retreat_participants from engagements.access, "
        "and load engagement data with access_engagement / access_retreat."
    )


@pytest.mark.parametrize("name,pattern", ALL_VIEWS, ids=[name for name, _ in ALL_VIEWS])
def test_every_view_does_what_its_mark_says(client, cast, name, pattern):
    rule = getattr(pattern.callback, "access_rule", None)
    url = reverse(name, kwargs=sample_kwargs(pattern, cast))
    sign_in = reverse("accounts:sign-in")

    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if rule == PUBLIC:
            # /readyz answers 503 by design when a part is not ready (no beat on the stack).
            not_ready = name == "readyz" and response.status_code == 503
            assert response.status_code < 500 or not_ready, (
                f"{method.upper()} {url} fails for a visitor"
            )
        elif rule == PARTICIPANTS:
            # Not a member and never joined by code: nothing to see.
            assert response.status_code in (404, 405), f"{method.upper()} {url} is open"
        elif response.status_code != 405:
            assert response.status_code == 302, f"{method.upper()} {url} is open to visitors"
            assert response.url.startswith(sign_in)

    if rule == FACILITATOR_ACCOUNTS:
        # A member who is not a facilitator account, then a facilitator account asking for
        # another facilitator's template.
        client.force_login(cast.plan_team)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (403, 404, 405), f"{method.upper()} {url} gave {status}"
        client.force_login(UserFactory(can_facilitate=True))
        if "template_id" in pattern.pattern.converters:
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status in (404, 405), f"{method.upper()} {url} gave {status}"

    converters = pattern.pattern.converters
    objects = [
        argument
        for argument, converter in converters.items()
        if argument != "engagement_id" and isinstance(converter, (UUIDConverter, IntConverter))
    ]
    if rule == MEMBERS and "engagement_id" in converters and objects:
        # The facilitator of this engagement asks, through it, for another engagement's object.
        mixed = {**sample_kwargs(pattern, cast), "engagement_id": cast.engagement.pk}
        mixed_url = reverse(name, kwargs=mixed)
        client.force_login(cast.facilitator)
        for method in ("get", "post"):
            status = getattr(client, method)(mixed_url).status_code
            assert status in (404, 405), (
                f"{method.upper()} {mixed_url} gave {status}: an object of another engagement "
                "reached through this one"
            )

    if rule in (MEMBERS, PARTICIPANTS):
        # A signed-in member of another organization asks for this organization's object.
        client.force_login(cast.facilitator)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (404, 405), (
                f"{method.upper()} {url} gave {status} to a member of another organization"
            )
