"""Tagging comments with themes: one at a time by typing or picking a theme (Enter applies it,
a new name makes the theme), many at once with the boxes, taking a theme off; the filters; 50
to a page in constant queries."""

import pytest
from django.urls import reverse

from synthesis.models import Quote, Tagging, VoiceTheme
from synthesis.services import tag
from tests.factories import ListeningCommentFactory, VoiceThemeFactory

pytestmark = pytest.mark.django_db


def _tagging(world, query=""):
    return reverse("synthesis:tagging", args=[world.engagement.pk]) + (f"?{query}" if query else "")


def _tag_one(world, comment):
    return reverse("synthesis:tag-one", args=[world.engagement.pk, comment.pk])


def test_typing_a_new_name_makes_the_theme_and_tags_the_comment(client, world):
    comment = world.said()
    client.force_login(world.cast.core_team)
    response = client.post(
        _tag_one(world, comment), {"theme_name": "  Safer   walks to school ", "back": "group=none"}
    )
    theme = VoiceTheme.objects.get(engagement=world.engagement)
    assert theme.name == "Safer walks to school"
    assert Tagging.objects.filter(theme=theme, comment=comment).exists()
    # Without JavaScript: back to the same filters, at the row.
    assert response.status_code == 302
    assert response["Location"].endswith(f"?group=none#c-{comment.pk}")


def test_typing_an_existing_name_in_other_capitals_uses_that_theme(client, world):
    theme = VoiceThemeFactory(engagement=world.engagement, name="Arts")
    comment = world.said()
    client.force_login(world.cast.facilitator)
    client.post(_tag_one(world, comment), {"theme_name": "arts"})
    assert VoiceTheme.objects.filter(engagement=world.engagement).count() == 1
    assert list(Tagging.objects.values_list("theme", "comment")) == [(theme.pk, comment.pk)]


def test_the_keyboard_path_with_htmx_swaps_the_row_and_keeps_the_focus_there(client, world):
    comment = world.said(text="Crossing guards <b>now</b>")
    client.force_login(world.cast.core_team)
    response = client.post(
        _tag_one(world, comment), {"theme_name": "Safety"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith(f'<li class="tag-row" id="c-{comment.pk}">')
    assert "Crossing guards &lt;b&gt;now&lt;/b&gt;" in text
    assert 'class="theme-chip">Safety' in text
    assert "autofocus" in text and 'role="status">Tagged “Safety”.' in text
    # The new theme joins the suggestions of every row.
    assert '<datalist id="theme-names" hx-swap-oob="true"><option value="Safety">' in text
    # And the page's count of untagged comments follows.
    assert (
        '<p class="muted" id="tag-totals" hx-swap-oob="true">1 comment in all, 0 not tagged yet.'
        in text
    )
    # Tagging again with the same theme changes nothing.
    client.post(_tag_one(world, comment), {"theme_name": "Safety"}, headers={"HX-Request": "true"})
    assert Tagging.objects.count() == 1


def test_an_empty_theme_is_refused_by_the_field(client, world):
    comment = world.said()
    client.force_login(world.cast.core_team)
    response = client.post(
        _tag_one(world, comment), {"theme_name": "   "}, headers={"HX-Request": "true"}
    )
    assert 'aria-invalid="true"' in response.text
    assert f'aria-describedby="tag-error-{comment.pk}"' in response.text
    assert "Give the theme a short name" in response.text
    assert not Tagging.objects.exists() and not VoiceTheme.objects.exists()


def test_a_comment_may_carry_several_themes_and_one_can_be_taken_off(client, world):
    comment = world.said()
    safety = VoiceThemeFactory(engagement=world.engagement, name="Safety")
    walks = VoiceThemeFactory(engagement=world.engagement, name="Walks")
    tag(theme=safety, comments=[comment])
    tag(theme=walks, comments=[comment])
    Quote.objects.create(theme=safety, comment=comment)
    client.force_login(world.cast.core_team)
    url = reverse("synthesis:untag-one", args=[world.engagement.pk, comment.pk, safety.pk])
    response = client.post(url, headers={"HX-Request": "true"})
    assert "Safety" not in response.text.split("tag-row__themes")[1].split("</ul>")[0]
    assert list(Tagging.objects.values_list("theme", flat=True)) == [walks.pk]
    assert not Quote.objects.exists()  # a quote is one of the theme's tagged comments


def test_bulk_tagging_tags_the_ticked_comments(client, world):
    chosen = [world.said(text=f"Crossing {n}") for n in range(3)]
    left = world.said(text="Not this one")
    client.force_login(world.cast.facilitator)
    response = client.post(
        _tagging(world),
        {
            "comments": [str(c.pk) for c in chosen],
            "theme_name": "Safety",
            "action": "tag",
            "back": "source=session",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?source=session")
    theme = VoiceTheme.objects.get(name="Safety")
    assert set(theme.taggings.values_list("comment", flat=True)) == {c.pk for c in chosen}
    assert not left.taggings.exists()
    # And untagging two of them.
    client.post(
        _tagging(world),
        {"comments": [str(c.pk) for c in chosen[:2]], "theme_name": "safety", "action": "untag"},
    )
    assert list(theme.taggings.values_list("comment", flat=True)) == [chosen[2].pk]


def test_bulk_tagging_without_boxes_or_theme_keeps_what_was_given(client, world):
    comment = world.said()
    client.force_login(world.cast.facilitator)
    response = client.post(
        _tagging(world), {"comments": [], "theme_name": "Safety", "action": "tag"}
    )
    assert response.status_code == 400
    assert "Tick the comments first" in response.text
    assert 'value="Safety"' in response.text  # the typed theme is kept
    # The page opens on its error (below the filters, off the first screen): it has the focus.
    assert 'id="bulk-comments-error" tabindex="-1" autofocus' in response.text
    response = client.post(
        _tagging(world), {"comments": [str(comment.pk)], "theme_name": "", "action": "tag"}
    )
    assert response.status_code == 400
    assert 'aria-describedby="bulk-theme-error" autofocus' in response.text
    assert f'value="{comment.pk}" form="bulk-form" id="pick-{comment.pk}" checked' in response.text
    response = client.post(
        _tagging(world), {"comments": [str(comment.pk)], "theme_name": "Nope", "action": "untag"}
    )
    assert "There is no theme called “Nope”." in response.text
    assert not Tagging.objects.exists()


def test_bulk_tagging_ignores_another_engagements_comments(client, world):
    foreign = ListeningCommentFactory(session__engagement=world.cast.foreign_engagement)
    client.force_login(world.cast.facilitator)
    response = client.post(
        _tagging(world), {"comments": [str(foreign.pk)], "theme_name": "Safety", "action": "tag"}
    )
    assert response.status_code == 400
    assert not Tagging.objects.exists()
    # One at a time, another engagement's comment is a 404.
    assert client.post(_tag_one(world, foreign), {"theme_name": "Safety"}).status_code == 404


def test_the_filters(client, world):
    theme = VoiceThemeFactory(engagement=world.engagement, name="Arts")
    parent_said = world.said(text="Parents said crossings", group=world.parents)
    staff_said = world.said(text="Staff said pay", group=world.staff, session=world.lets_talk)
    written = world.wrote(text="Written: more art", group=world.students)
    nobody = world.said(text="No group said buses")
    tag(theme=theme, comments=[written])
    client.force_login(world.cast.core_team)

    def shown(query):
        text = client.get(_tagging(world, query)).text
        found = [c for c in (parent_said, staff_said, written, nobody) if f'id="c-{c.pk}"' in text]
        return found

    assert shown("") == [parent_said, staff_said, written, nobody]
    assert shown("source=survey") == [written]
    assert shown("source=session") == [parent_said, staff_said, nobody]
    assert shown(f"session={world.lets_talk.pk}") == [staff_said]
    assert shown(f"survey={world.survey.pk}") == [written]
    assert shown(f"group={world.parents.pk}") == [parent_said]
    assert shown("group=none") == [nobody]
    assert shown(f"theme={theme.pk}") == [written]
    assert shown("untagged=on") == [parent_said, staff_said, nobody]
    assert shown("q=CROSSINGS") == [parent_said]
    text = client.get(_tagging(world, "q=zebra")).text
    assert "No comment matches these filters" in text
    # An unknown filter value is shown as an error by its field, not a crash.
    assert client.get(_tagging(world, "session=nonsense")).status_code == 200


def test_no_comment_yet_says_where_they_come_from(client, world):
    client.force_login(world.cast.core_team)
    text = client.get(_tagging(world)).text
    assert (
        "No comment yet" in text
        and reverse("listening:overview", args=[world.engagement.pk]) in text
    )


def test_fifty_to_a_page_in_constant_queries(client, world, django_assert_max_num_queries):
    theme = VoiceThemeFactory(engagement=world.engagement, name="Arts")
    client.force_login(world.cast.core_team)
    few = [world.said(text=f"Few {n}") for n in range(3)]
    tag(theme=theme, comments=few)
    with django_assert_max_num_queries(20) as small:
        client.get(_tagging(world))
    baseline = len(small.captured_queries)
    many = [world.said(text=f"Many {n}", group=world.parents) for n in range(250)]
    many += [world.wrote(text=f"Written {n}", group=world.staff) for n in range(250)]
    tag(theme=theme, comments=many)
    with django_assert_max_num_queries(baseline):
        response = client.get(_tagging(world, "page=2"))
    assert response.text.count('class="tag-row"') == 50
    assert "Page 2 of 11" in response.text


def test_a_theme_is_renamed_once_per_name_and_deleted_after_confirming(client, world):
    from planning.models import Goal
    from planning.services import plan_for
    from synthesis.services import carry_to_plan

    safety = VoiceThemeFactory(engagement=world.engagement, name="Safety")
    VoiceThemeFactory(engagement=world.engagement, name="Arts")
    tag(theme=safety, comments=[world.said()])
    goal = carry_to_plan(theme=safety, plan=plan_for(world.engagement), kind_name="goal")
    client.force_login(world.cast.core_team)
    edit = reverse("synthesis:theme-edit", args=[world.engagement.pk, safety.pk])
    response = client.post(edit, {"name": "ARTS", "description": "Kept"})
    assert (
        response.status_code == 400 and "There is already a theme called “ARTS”." in response.text
    )
    assert 'value="ARTS"' in response.text  # what was typed stays
    client.post(edit, {"name": "Safe streets", "description": ""})
    safety.refresh_from_db()
    assert safety.name == "Safe streets"
    delete = reverse("synthesis:theme-delete", args=[world.engagement.pk, safety.pk])
    assert "Delete the theme" in client.get(delete).text
    assert VoiceTheme.objects.filter(pk=safety.pk).exists()  # nothing goes before confirming
    client.post(delete)
    assert not VoiceTheme.objects.filter(pk=safety.pk).exists() and not Tagging.objects.exists()
    goal = Goal.objects.get(pk=goal.pk)
    assert goal.source_voice_theme is None
    assert (goal.source_kind, goal.source_text, goal.source_dots) == ("voices", "Safety", 1)


def _row(text, comment):
    start = text.index(f'id="c-{comment.pk}"')
    return text[start : text.index("</li>\n", start)]


def test_a_survey_s_small_group_is_neither_named_nor_found_by_its_filter(
    client, world, django_assert_max_num_queries
):
    """The survey's results do not show a group of fewer than 5 respondents, and a written answer
    names its group only when that group is shown: the tagging page keeps to the same rule, so a
    student's answer cannot be picked out as "the one student who wrote this" (issue 18)."""
    parents = [world.wrote(text=f"Parent wrote {n}", group=world.parents) for n in range(8)]
    # Six staff: held back too, or everyone minus the parents would give the one student away.
    staff = [world.wrote(text=f"Staff wrote {n}", group=world.staff) for n in range(6)]
    student = world.wrote(text="The one student’s answer", group=world.students)
    spoken = world.said(text="A student said this at the town hall", group=world.students)
    client.force_login(world.cast.core_team)

    text = client.get(_tagging(world)).text
    assert "Group not shown (held back in this survey’s results)" in _row(text, student)
    assert "Students" not in _row(text, student)
    assert "· Parents</p>" in _row(text, parents[0])
    assert "Group not shown" in _row(text, staff[0])
    assert "· Students</p>" in _row(text, spoken)  # said aloud at a session, with the group

    def found(query):
        text = client.get(_tagging(world, query)).text
        return {c for c in (*parents, student, spoken) if f'id="c-{c.pk}"' in text}

    assert found(f"group={world.students.pk}") == {spoken}
    assert found(f"group={world.parents.pk}") == set(parents)
    assert student in found(f"survey={world.survey.pk}")  # still there to tag, unlabelled

    # Tagged by keyboard, its redrawn row keeps the rule.
    answer = client.post(
        _tag_one(world, student), {"theme_name": "Arts"}, headers={"HX-Request": "true"}
    )
    assert "Group not shown" in answer.text and "Students" not in answer.text.split("<datalist")[0]

    # Once five students have answered, their group is shown (as on the results page).
    for n in range(4):  # (students 5, staff 6: together 11, nothing to work out)
        world.wrote(text=f"Another student {n}", group=world.students)
    with django_assert_max_num_queries(20):
        text = client.get(_tagging(world)).text
    assert "· Students</p>" in _row(text, student)
