"""Saved drafts: every member reads the list, a draft and a comparison; only the facilitator and
the core team save; another engagement's drafts are never reached; a draft shows its snapshot,
not the working copy; the comparison marks what was added, removed and reworded, in the
engagement's words, with user text escaped; the pages' queries do not grow with the plan."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from planning import services
from planning.models import PlanVersion
from tests.factories import (
    ActionStepFactory,
    GoalFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanVersionFactory,
    ReviewFactory,
    StrategyFactory,
    ValueFactory,
)

pytestmark = pytest.mark.django_db
EDITORS = ("facilitator", "core_team")
READERS = ("plan_team", "board", "superintendent")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


def url(name, cast, *args):
    return reverse(f"planning:{name}", args=[cast.engagement.pk, *args])


def compare_url(cast, a, b, extra=""):
    return f"{url('compare', cast)}?a={a}&b={b}{extra}"


def save(plan, label, cast):
    return services.version_save(plan=plan, label=label, author=cast.facilitator)


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def row_with(body: str, text: str) -> str:
    """The comparison table's row holding `text`."""
    rows = [row for row in re.findall(r"<tr class=\"diff-row.*?</tr>", body, re.S) if text in row]
    assert len(rows) == 1, f"{len(rows)} rows hold {text!r}"
    return rows[0]


# --- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS + READERS)
def test_every_member_reads_the_drafts_a_draft_and_a_comparison(client, cast, plan, role):
    GoalFactory(plan=plan, title="Academic success")
    first = save(plan, "After the vision retreat", cast)
    second = save(plan, "Before the board", cast)
    for version in (first, second):  # the board reads published drafts only
        ReviewFactory(version=version, closed_at=timezone.now())
    client.force_login(cast.member(role))
    listing = body_of(client.get(url("drafts", cast)))
    assert "Draft 2: Before the board" in listing and "Draft 1: After the vision retreat" in listing
    assert ("Save as draft 3" in listing) is (role in EDITORS)
    assert "Academic success" in body_of(client.get(url("draft", cast, 1)))
    assert "Draft 1: After the vision retreat" in body_of(client.get(compare_url(cast, 1, 2)))


@pytest.mark.parametrize("role", READERS)
def test_other_roles_cannot_save_a_draft(client, cast, plan, role):
    client.force_login(cast.member(role))
    response = client.post(url("drafts", cast), {"label": "Mine"})
    assert response.status_code == 403
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize("role", EDITORS)
def test_the_facilitator_and_the_core_team_save_drafts(client, cast, plan, role):
    client.force_login(cast.member(role))
    response = client.post(url("drafts", cast), {"label": "First"})
    assert response.status_code == 302 and response.url == url("drafts", cast)
    assert PlanVersion.objects.get().author == cast.member(role)


def test_outsiders_get_a_404_and_visitors_are_sent_to_sign_in(client, cast, plan):
    save(plan, "First", cast)
    save(plan, "Second", cast)
    addresses = [url("drafts", cast), url("draft", cast, 1), compare_url(cast, 1, 2)]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    client.force_login(cast.outsider)
    assert [client.get(address).status_code for address in addresses] == [404] * 3
    assert client.post(url("drafts", cast), {"label": "Sneaky"}).status_code == 404
    assert PlanVersion.objects.count() == 2


def test_another_engagements_draft_numbers_never_show_its_plan(client, cast, plan):
    foreign = services.plan_for(cast.foreign_engagement)
    ValueFactory(plan=foreign, title="Lakeview secret value")
    PlanVersionFactory(plan=foreign, number=1, label="Lakeview first")
    PlanVersionFactory(plan=foreign, number=2, label="Lakeview second")
    ValueFactory(plan=plan, title="Riverside value")
    save(plan, "Riverside first", cast)
    client.force_login(cast.facilitator)
    own = body_of(client.get(url("draft", cast, 1)))
    assert "Riverside first" in own and "Riverside value" in own
    assert "Lakeview" not in own
    assert client.get(url("draft", cast, 2)).status_code == 404
    assert client.get(compare_url(cast, 1, 2)).status_code == 404
    assert "Lakeview" not in body_of(client.get(url("drafts", cast)))


def test_drafts_are_only_read_with_get(client, cast, plan):
    save(plan, "First", cast)
    save(plan, "Second", cast)
    client.force_login(cast.facilitator)
    assert client.post(url("draft", cast, 1)).status_code == 405
    assert client.post(compare_url(cast, 1, 2)).status_code == 405


# --- the list and saving ------------------------------------------------------------------------


def test_an_empty_list_says_what_to_do_next(client, cast, plan):
    client.force_login(cast.facilitator)
    body = body_of(client.get(url("drafts", cast)))
    assert "No drafts saved yet. Save the working copy as draft 1 when" in body
    assert "Save as draft 1" in body and "Compare two drafts" not in body
    client.force_login(cast.board)
    body = body_of(client.get(url("drafts", cast)))
    assert "No draft has been published yet." in body and 'name="label"' not in body


def test_saving_numbers_the_drafts_1_then_2_and_says_so(client, cast, plan):
    GoalFactory(plan=plan, title="Academic success")
    client.force_login(cast.core_team)
    first = client.post(url("drafts", cast), {"label": "After the vision retreat"}, follow=True)
    assert "Saved as draft 1." in first.content.decode()
    second = client.post(url("drafts", cast), {"label": "  Before the board  "}, follow=True)
    body = second.content.decode()
    assert "Saved as draft 2." in body and "Save as draft 3" in body
    drafts = list(PlanVersion.objects.order_by("number"))
    assert [(d.number, d.label, d.author) for d in drafts] == [
        (1, "After the vision retreat", cast.core_team),
        (2, "Before the board", cast.core_team),
    ]
    assert drafts[1].data["plan"]["goals"][0]["title"] == "Academic success"
    assert body.index("Draft 2: Before the board") < body.index("Draft 1: After the vision")
    assert "Saved by Core team Person" in body


def test_a_blank_label_is_refused_next_to_the_field_and_nothing_is_saved(client, cast, plan):
    client.force_login(cast.facilitator)
    response = client.post(url("drafts", cast), {"label": "   "})
    assert response.status_code == 400
    body = response.content.decode()
    field = re.search(r'<div class="field field--invalid">.*?<input[^>]*>', body, re.S)
    assert field and 'name="label"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert "Give the draft a short label" in field.group(0)
    assert not PlanVersion.objects.exists()


def test_a_too_long_label_is_refused_and_the_words_are_kept(client, cast, plan):
    client.force_login(cast.facilitator)
    words = "After the retreat " * 12  # 216 characters
    response = client.post(url("drafts", cast), {"label": words})
    body = response.content.decode()
    assert response.status_code == 400 and "Keep the label to 200 characters" in body
    assert f'value="{words}"' in body
    assert not PlanVersion.objects.exists()


def test_the_compare_form_offers_the_last_two_drafts(client, cast, plan):
    for label in ("One", "Two", "Three"):
        save(plan, label, cast)
    client.force_login(cast.plan_team)
    body = body_of(client.get(url("drafts", cast)))
    older = re.search(r'<select name="a".*?</select>', body, re.S).group(0)
    newer = re.search(r'<select name="b".*?</select>', body, re.S).group(0)
    assert re.search(r'<option value="2" selected>', older)
    assert re.search(r'<option value="3" selected>', newer)
    assert f'action="{url("compare", cast)}"' in body


# --- one draft ----------------------------------------------------------------------------------


def test_a_draft_shows_its_snapshot_even_after_the_working_copy_changed(client, cast, plan):
    services.plan_update(plan=plan, mission="Every student, every day.")
    goal = GoalFactory(plan=plan, title="Academic success")
    save(plan, "First", cast)
    goal.title = "Reading by grade three"
    goal.save()
    ValueFactory(plan=plan, title="Added later")
    services.plan_update(plan=plan, mission="A brand new mission")
    client.force_login(cast.plan_team)
    body = body_of(client.get(url("draft", cast, 1)))
    assert "Academic success" in body and "Every student, every day" in body
    assert "Reading by grade three" not in body and "Added later" not in body
    assert "A brand new mission" not in body


def test_a_draft_shows_every_part_of_the_plan(client, cast, plan):
    services.plan_update(plan=plan, preferred_future="Students lead their own learning.")
    ValueFactory(plan=plan, title="Integrity", description="We do what we say.")
    objective = ObjectiveFactory(plan=plan, title="Learning for all")
    owner = cast.engagement.memberships.get(user=cast.plan_team)
    goal = GoalFactory(
        plan=plan,
        objective=objective,
        title="Academic success",
        specific_outcome="Every student reads at grade level",
        measured_by="State reading test",
        target="85% proficient",
        owner=owner,
        target_date=date(2032, 6, 30),
    )
    MeasureFactory(
        goal=goal,
        indicator="Students proficient in reading",
        baseline=Decimal("62.5"),
        baseline_date=date(2026, 6, 1),
        target=Decimal("85"),
        target_date=date(2032, 6, 1),
        unit="%",
    )
    strategy = StrategyFactory(goal=goal, title="Tutoring after school")
    ActionStepFactory(
        strategy=strategy,
        description="Hire ten tutors",
        stage="do",
        owner=owner,
        start_date=date(2027, 1, 10),
        due_date=date(2027, 3, 31),
        resources_people="HR team",
        resources_money=Decimal("25000"),
    )
    save(plan, "Full", cast)
    client.force_login(cast.superintendent)
    body = body_of(client.get(url("draft", cast, 1)))
    for text in (
        "Draft 1: Full",
        "Saved by Facilitator Person",
        "never changes",
        "Preferred future",
        "Students lead their own learning.",
        "Integrity",
        "We do what we say.",
        "Objective: Learning for all",
        "Goal 1</span> Academic success",
        "Every student reads at grade level",
        "State reading test",
        "85% proficient",
        cast.plan_team.full_name,  # the owner by name, not by e-mail address
        "Jun 30, 2032",
        "Baseline 62.50% (Jun 1, 2026)",
        "target 85% by Jun 1, 2032",
        "Tutoring after school",
        "Hire ten tutors",
        "Do</span>",
        "Jan 10, 2027",
        "due Mar 31, 2027",
        "HR team",
        "$25000",
    ):
        assert text in body, text
    assert cast.plan_team.email not in body
    assert "Strategic boundaries" not in body  # an empty optional statement is left out
    assert "Compare with draft" not in body  # draft 1 has no draft before it


def test_an_unknown_draft_is_a_404(client, cast, plan):
    save(plan, "First", cast)
    client.force_login(cast.facilitator)
    assert client.get(url("draft", cast, 2)).status_code == 404
    assert client.get(url("draft", cast, 0)).status_code == 404


def test_a_later_draft_links_to_the_comparison_with_the_one_before(client, cast, plan):
    save(plan, "First", cast)
    save(plan, "Second", cast)
    client.force_login(cast.plan_team)
    body = body_of(client.get(url("draft", cast, 2)))
    assert "Compare with draft 1" in body
    assert f'href="{url("compare", cast)}?a=1&amp;b=2"' in body
    assert f'href="{url("drafts", cast)}"' in body


# --- the comparison -----------------------------------------------------------------------------


@pytest.fixture
def two_drafts(cast, plan):
    """Draft 1, then a value removed, a goal reworded and a strategy added: draft 2."""
    ValueFactory(plan=plan, title="Kept value")
    removed = ValueFactory(plan=plan, title="Integrity first")
    goal = GoalFactory(plan=plan, title="Improve reading across the district")
    save(plan, "Before", cast)
    removed.delete()
    goal.title = "Improve literacy across the district"
    goal.save()
    StrategyFactory(goal=goal, title="Tutoring after school")
    save(plan, "After", cast)
    return goal


def test_the_comparison_marks_added_removed_and_reworded_elements(client, cast, two_drafts):
    client.force_login(cast.plan_team)
    body = body_of(client.get(compare_url(cast, 1, 2)))
    assert "1 added, 1 removed, 1 changed" in body
    assert '<th scope="col"' in body and "Draft 1: Before" in body and "Draft 2: After" in body

    added = row_with(body, "Tutoring after school")
    assert ">Added<" in added and ">Strategy<" in added
    assert '<ins><span class="visually-hidden">added: </span>Tutoring after school</ins>' in added
    assert "Not in draft 1" in added

    removed = row_with(body, "Integrity first")
    assert ">Removed<" in removed and ">Value<" in removed
    assert '<del><span class="visually-hidden">removed: </span>Integrity first</del>' in removed
    assert "Not in draft 2" in removed

    changed = row_with(body, "across the district")
    assert ">Changed<" in changed and ">Goal<" in changed
    assert '<del><span class="visually-hidden">removed: </span>reading</del>' in changed
    assert '<ins><span class="visually-hidden">added: </span>literacy</ins>' in changed
    assert changed.index("<del>") < changed.index("<ins>")  # old words left, new words right

    same = row_with(body, "Kept value")
    assert ">Unchanged<" in same and "<ins>" not in same and "<del>" not in same


def test_the_older_draft_is_always_on_the_left(client, cast, two_drafts):
    client.force_login(cast.facilitator)
    body = body_of(client.get(compare_url(cast, 2, 1)))
    assert body.index("Draft 1: Before") < body.index("Draft 2: After")
    assert "1 added, 1 removed, 1 changed" in body


def test_only_what_changed_can_be_shown(client, cast, two_drafts):
    client.force_login(cast.facilitator)
    full = body_of(client.get(compare_url(cast, 1, 2)))
    assert "Kept value" in full and "Show only what changed" in full
    short = body_of(client.get(compare_url(cast, 1, 2, "&only=changes")))
    assert "Kept value" not in short and "Tutoring after school" in short
    assert "Show the unchanged parts too" in short


@pytest.mark.parametrize("query", ["", "?a=1", "?a=one&b=2", "?a=1&b=2x", "?a=-1&b=2", "?a=2&b=2"])
def test_a_comparison_without_two_draft_numbers_goes_back_to_the_list(client, cast, plan, query):
    save(plan, "First", cast)
    save(plan, "Second", cast)
    client.force_login(cast.facilitator)
    response = client.get(url("compare", cast) + query)
    assert response.status_code == 302 and response.url == url("drafts", cast)
    shown = client.get(response.url).content.decode()
    assert "Choose two different saved drafts to compare." in shown


def test_a_comparison_with_an_unknown_draft_is_a_404(client, cast, plan):
    save(plan, "First", cast)
    save(plan, "Second", cast)
    client.force_login(cast.facilitator)
    assert client.get(compare_url(cast, 1, 3)).status_code == 404
    assert client.get(compare_url(cast, 0, 2)).status_code == 404


# --- the engagement's words, and escaping -------------------------------------------------------


def test_the_pages_use_the_engagements_terminology(client, cast, plan):
    cast.engagement.terminology = {
        **cast.engagement.terminology,
        "goal": "Priority",
        "goals": "Priorities",
        "strategy": "Approach",
    }
    cast.engagement.save()
    goal = GoalFactory(plan=plan, title="Academic success")
    save(plan, "First", cast)
    StrategyFactory(goal=goal, title="Tutoring")
    save(plan, "Second", cast)
    client.force_login(cast.facilitator)
    draft = body_of(client.get(url("draft", cast, 2)))
    assert "Priority 1</span> Academic success" in draft and ">Priorities<" in draft
    assert "Approach 1</span> Tutoring" in draft
    assert "Goal 1" not in draft and ">Goals<" not in draft
    comparison = body_of(client.get(compare_url(cast, 1, 2)))
    assert '<span class="diff-kind">Approach</span>' in comparison
    assert '<span class="diff-kind">Priority</span>' in comparison
    assert '<span class="diff-kind">Goal</span>' not in comparison
    assert '<span class="diff-kind">Strategy</span>' not in comparison


def test_user_text_is_escaped_on_every_drafts_page(client, cast, plan):
    save(plan, "Empty", cast)
    ValueFactory(plan=plan, title=SCRIPT)
    goal = GoalFactory(plan=plan, title="Goal", specific_outcome=SCRIPT)
    StrategyFactory(goal=goal, title=SCRIPT)
    save(plan, SCRIPT, cast)
    client.force_login(cast.facilitator)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for address in (url("drafts", cast), url("draft", cast, 2), compare_url(cast, 1, 2)):
        body = body_of(client.get(address))
        assert SCRIPT not in body, address
        assert escaped in body, address


# --- queries ------------------------------------------------------------------------------------


def test_a_draft_and_a_comparison_cost_the_same_queries_for_ten_goals_as_for_one(
    client, cast, plan, django_assert_max_num_queries
):
    def grow(goals):
        for _ in range(goals):
            goal = GoalFactory(plan=plan)
            MeasureFactory(goal=goal)
            for _ in range(2):
                ActionStepFactory(strategy=StrategyFactory(goal=goal))

    grow(1)
    save(plan, "Small", cast)
    save(plan, "Small again", cast)
    grow(9)
    save(plan, "Large", cast)
    client.force_login(cast.facilitator)
    # the session, the user, the membership, the draft(s), the draft before it, its review, its
    # approval and whether it may be published for review (the plan's rounds in approval); never
    # per element
    bound = 8
    with django_assert_max_num_queries(bound) as small_draft:
        assert client.get(url("draft", cast, 1)).status_code == 200
    with django_assert_max_num_queries(bound) as large_draft:
        body = body_of(client.get(url("draft", cast, 3)))
    assert body.count("plan-el--goal") == 10
    with django_assert_max_num_queries(bound) as small_compare:
        assert client.get(compare_url(cast, 1, 2)).status_code == 200
    with django_assert_max_num_queries(bound) as large_compare:
        body = body_of(client.get(compare_url(cast, 2, 3)))
    assert "54 added" in body  # 9 goals, each with a measure, 2 strategies and 2 steps
    assert len(large_draft.captured_queries) == len(small_draft.captured_queries)
    assert len(large_compare.captured_queries) == len(small_compare.captured_queries)
