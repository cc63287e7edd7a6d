"""A parent answers a community survey by its public link on a phone; the facilitator then reads
the results by group and enters what was said at a town hall, by keyboard. Every page is scanned
for accessibility."""

from playwright.sync_api import expect

from engagements.models import Role
from listening.models import Answer, Comment, Respondent
from tests.factories import (
    PASSWORD,
    ListeningSessionFactory,
    MembershipFactory,
    QuestionFactory,
    RespondentFactory,
    StakeholderGroupFactory,
    SurveyFactory,
    UserFactory,
)


def test_a_parent_answers_on_a_phone_and_the_facilitator_reads_the_results(
    page, riverside, settings
):
    settings.PUBLIC_FEEDBACK_MIN_SECONDS = 0  # a test answers faster than a person
    engagement = riverside["engagement"]
    parents = StakeholderGroupFactory(engagement=engagement, name="Parents", position=0)
    StakeholderGroupFactory(engagement=engagement, name="Staff", position=1)
    survey = SurveyFactory(
        engagement=engagement, title="What matters to you?", public_token="phone-link"
    )
    choice = QuestionFactory(
        survey=survey, kind="choice", text="Which matters most?", choices=["Arts", "Safety"]
    )
    QuestionFactory(survey=survey, kind="scale", text="Schools listen to families.")
    QuestionFactory(survey=survey, kind="open", text="What should change?")
    for _ in range(4):  # with the phone's answer, Parents reach five
        person = RespondentFactory(survey=survey, stakeholder_group=parents)
        Answer.objects.create(respondent=person, question=choice, choice="Safety")

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{page.live_server_url}/survey/phone-link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What matters to you?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("navigation")).to_have_count(0)
    page.get_by_role("group", name="Which matters most?").get_by_label("Arts").check()
    page.get_by_role("group", name="Schools listen to families.").get_by_label("4 – Agree").check()
    page.get_by_label("What should change?").fill("More music teachers, please.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Choose the group that fits you best")).to_be_visible()
    expect(page.get_by_label("What should change?")).to_have_value("More music teachers, please.")
    page.get_by_label("Which group are you part of?").select_option(label="Parents")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are in")
    assert Respondent.objects.filter(stakeholder_group=parents).count() == 5

    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(facilitator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{page.live_server_url}/engagements/{engagement.pk}/")
    page.get_by_role("link", name="Listening: surveys and sessions").click()
    page.get_by_role("link", name="Results of What matters to you?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results: What matters to you?")
    which = page.get_by_role("region", name="1. Which matters most?")
    expect(which.get_by_role("row", name="Arts")).to_contain_text("1 (20%)")
    expect(page.get_by_text("More music teachers, please.")).to_be_visible()

    # A town hall's comments, entered by keyboard: Enter adds and keeps the cursor in the box.
    session = ListeningSessionFactory(engagement=engagement, title="Town hall, Riverside High")
    page.goto(
        f"{page.live_server_url}/engagements/{engagement.pk}/listening/sessions/{session.pk}/"
    )
    page.get_by_label("Said by someone from").select_option(label="Parents")
    box = page.get_by_label("What was said")
    box.fill("Keep the arts program.")
    box.press("Enter")
    expect(page.get_by_role("listitem").filter(has_text="Keep the arts program.")).to_be_visible()
    expect(page.get_by_label("What was said")).to_be_focused()
    expect(page.get_by_label("What was said")).to_have_value("")
    page.get_by_label("What was said").fill("Safer crossings near the middle school.")
    page.get_by_label("What was said").press("Enter")
    expect(page.get_by_role("listitem").filter(has_text="Safer crossings")).to_be_visible()
    assert list(
        Comment.objects.filter(session=session).values_list("stakeholder_group", flat=True)
    ) == [
        parents.pk,
        parents.pk,
    ]


def test_the_facilitator_builds_a_survey_by_keyboard(page, riverside):
    engagement = riverside["engagement"]
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(facilitator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{page.live_server_url}/engagements/{engagement.pk}/listening/")
    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Title").fill("Family survey")
    page.get_by_role("button", name="Create the survey").click()

    page.get_by_label("Kind of question").select_option(label="Open answer (written)")
    page.get_by_label("Question", exact=True).fill("What would make school better?")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_label("Kind of question").select_option(label="Scale from 1 to 5")
    page.get_by_label("Question", exact=True).fill("How often do you attend church?")
    # The warning appears as the author types, before saving.
    expect(page.locator("#ppra-live")).to_contain_text("protected topic under the federal PPRA")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("note").filter(has_text="protected topic")).to_have_count(1)

    church = "“How often do you attend church?”"
    page.get_by_role("button", name=f"Move up {church}").focus()
    page.keyboard.press("Enter")
    items = page.locator(".survey-questions__list > li")
    expect(items.first).to_contain_text("How often do you attend church?")
    up = page.get_by_role("button", name=f"Move up {church}")
    expect(up).to_be_focused()  # the focus stays on the button pressed
    expect(up).to_have_attribute("aria-disabled", "true")
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    page.keyboard.press("Enter")  # already first: nothing is sent, nothing moves
    page.wait_for_timeout(300)
    assert sent == []
    expect(items.first).to_contain_text("How often do you attend church?")
    expect(up).to_be_focused()
    page.get_by_role("button", name=f"Move down {church}").focus()
    page.keyboard.press("Enter")
    expect(items.first).to_contain_text("What would make school better?")
    expect(page.get_by_role("button", name=f"Move down {church}")).to_be_focused()
