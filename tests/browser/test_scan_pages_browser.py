"""Every page of the environmental scan, listening and synthesis (issue 18), opened by the
facilitator on a 375 px phone: each answers, fits the screen without sideways scrolling, and is
scanned by axe like every page the harness loads (no serious or critical violation). The public
survey pages too, without signing in."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from engagements.models import Role
from listening.models import Answer, Comment
from tests.factories import (
    DataPackFactory,
    DataPackItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    InvitedRespondentFactory,
    ListeningCommentFactory,
    ListeningSessionFactory,
    MembershipFactory,
    PlanFactory,
    QuestionFactory,
    QuoteFactory,
    RespondentFactory,
    StakeholderGroupFactory,
    SurveyFactory,
    TaggingFactory,
    UserFactory,
    VoiceThemeFactory,
)

from .test_sign_in import sign_in

# A pasted link longer than a phone is wide: it must wrap, not push the page sideways.
PASTED = (
    "See https://www.saferoutespartnership.org/safe-routes-school/walking-school-bus-guide-2026"
)
LONG = ("Que chaque élève ait un adulte de confiance — https://example.org/plan?x=1&y=2 " * 7)[:500]


@pytest.fixture
def scan(riverside):
    engagement = riverside["engagement"]
    facilitator = UserFactory(email="dana@riverside.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    parents = StakeholderGroupFactory(engagement=engagement, name="Parents et familles")
    staff = StakeholderGroupFactory(engagement=engagement, name="Staff")
    PlanFactory(engagement=engagement)
    graduation = IndicatorFactory(
        engagement=engagement, name="Four-year graduation rate", note=LONG
    )
    for year, value in [(2021, "81"), (2022, "82.5"), (2023, "83"), (2024, "85"), (2025, "86")]:
        IndicatorValueFactory(indicator=graduation, year=year, value=value)
        IndicatorValueFactory(indicator=graduation, year=year, value=value, breakdown="Élèves EL")
    pack = DataPackFactory(
        engagement=engagement, title="Riverside's data picture", introduction=LONG
    )
    item = DataPackItemFactory(pack=pack, indicator=graduation, commentary=LONG)
    survey = SurveyFactory(engagement=engagement, title="Riverside community survey")
    choice = QuestionFactory(survey=survey, kind="choice", text="What matters most?",
                             choices=["Safety", "Arts", "Careers"])  # fmt: skip
    written = QuestionFactory(survey=survey, kind="open", text="What should change?")
    for n in range(12):
        person = RespondentFactory(survey=survey, stakeholder_group=parents if n % 2 else staff)
        Answer.objects.create(respondent=person, question=choice, choice="Safety")
        answer = Answer.objects.create(respondent=person, question=written)
        text = {0: LONG, 1: PASTED}.get(n, f"Safer crossings near school {n}")
        Comment.objects.create(engagement=engagement, answer=answer, text=text)
    InvitedRespondentFactory(survey=survey, name="Ana Núñez")
    survey.public_token = "open-sesame-scan"
    survey.save()
    session = ListeningSessionFactory(engagement=engagement, title="Town hall at Riverside High")
    said = ListeningCommentFactory(session=session, text=LONG, stakeholder_group=parents)
    theme = VoiceThemeFactory(engagement=engagement, name="Safe walks to school")
    TaggingFactory(theme=theme, comment=said)
    QuoteFactory(theme=theme, comment=said)
    # A theme named by a pasted link (120 characters, no space): its chip wraps on a phone.
    link = VoiceThemeFactory(engagement=engagement, name=("https://example.org/" + "x" * 120)[:120])
    TaggingFactory(theme=link, comment=said)
    return {
        "engagement": engagement,
        "facilitator": facilitator,
        "indicator": graduation,
        "pack": pack,
        "item": item,
        "survey": survey,
        "question": choice,
        "session": session,
        "comment": said,
        "theme": theme,
    }


def pages(w) -> list[str]:
    e = w["engagement"].pk
    i, p, it = w["indicator"].pk, w["pack"].pk, w["item"].pk
    s, q, t, c, th = (
        w["survey"].pk,
        w["question"].pk,
        w["session"].pk,
        w["comment"].pk,
        w["theme"].pk,
    )
    return [
        reverse("evidence:indicators", args=[e]),
        reverse("evidence:indicator-new", args=[e]),
        reverse("evidence:import", args=[e]),
        reverse("evidence:indicator", args=[e, i]),
        reverse("evidence:indicator-edit", args=[e, i]),
        reverse("evidence:indicator-delete", args=[e, i]),
        reverse("planning:measure-from-indicator", args=[e, i]),
        reverse("evidence:pack-new", args=[e]),
        reverse("evidence:pack", args=[e, p]),
        reverse("evidence:pack-edit", args=[e, p]),
        reverse("evidence:pack-delete", args=[e, p]),
        reverse("evidence:item-edit", args=[e, it]),
        reverse("evidence:item-remove", args=[e, it]),
        reverse("listening:overview", args=[e]),
        reverse("listening:survey-create", args=[e]),
        reverse("listening:survey", args=[e, s]),
        reverse("listening:preview", args=[e, s]),
        reverse("listening:question-edit", args=[e, s, q]),
        reverse("listening:question-delete", args=[e, s, q]),
        reverse("listening:invite", args=[e, s]),
        reverse("listening:respondents", args=[e, s]),
        reverse("listening:results", args=[e, s]),
        reverse("listening:session-create", args=[e]),
        reverse("listening:session", args=[e, t]),
        reverse("listening:session-edit", args=[e, t]),
        reverse("listening:session-delete", args=[e, t]),
        reverse("listening:comment-edit", args=[e, t, c]),
        reverse("listening:comment-delete", args=[e, t, c]),
        reverse("synthesis:overview", args=[e]),
        reverse("synthesis:tagging", args=[e]),
        reverse("synthesis:theme", args=[e, th]),
        reverse("synthesis:theme-delete", args=[e, th]),
    ]


# What sticks out on the right (not counting what scrolls inside a table's own box).
WIDEST = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > 376)
    .filter(e => !(e.parentElement && e.parentElement.closest(".table-wrap")))
    .slice(0, 3).map(e => `${e.tagName}.${e.className} ${(e.textContent || "").slice(0, 40)}`)"""


def fits_the_phone(page, address):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{address} is {width} px wide: {page.evaluate(WIDEST)}"


def test_every_new_page_answers_fits_a_phone_and_passes_axe(page, scan):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, scan["facilitator"].email)
    for address in pages(scan):
        response = page.goto(page.live_server_url + address)
        assert response.status == 200, address
        fits_the_phone(page, address)


def test_the_theme_chart_stays_readable_on_a_phone(page, scan):
    """The chart keeps its words at a readable size and scrolls sideways in its own box."""
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, scan["facilitator"].email)
    page.goto(page.live_server_url + reverse("synthesis:overview", args=[scan["engagement"].pk]))
    fits_the_phone(page, "the synthesis overview")
    label = page.locator(".theme-chart text").first
    assert label.bounding_box()["height"] >= 11  # px: was about 5 when the chart shrank whole
    page.get_by_role("region", name="The chart (scrolls sideways on a small screen)").focus()
    page.keyboard.press("ArrowRight")  # the keyboard scrolls it too
    expect(page.locator(".theme-chart__scroll")).not_to_have_js_property("scrollLeft", 0)


def test_the_public_survey_pages_fit_a_phone_and_pass_axe(page, scan):
    page.set_viewport_size({"width": 375, "height": 740})
    for name in ("listening:public", "listening:public-thanks"):
        address = reverse(name, args=[scan["survey"].public_token])
        response = page.goto(page.live_server_url + address)
        assert response.status == 200, address
        fits_the_phone(page, address)
