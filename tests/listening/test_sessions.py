"""Listening sessions: staff enter what was said, one comment per entry, quickly; edit and
delete ask first; every member reads the comments."""

import pytest
from django.urls import reverse

from listening.models import Comment, ListeningSession
from tests.factories import ListeningCommentFactory, ListeningSessionFactory

pytestmark = pytest.mark.django_db


def session_url(session):
    return reverse("listening:session", args=[session.engagement_id, session.pk])


def test_the_core_team_adds_a_session(client, world):
    client.force_login(world.cast.core_team)
    response = client.post(
        reverse("listening:session-create", args=[world.engagement.pk]),
        {"kind": "summit", "title": "Education Summit", "held_on": "2027-02-06", "place": "Gym"},
    )
    session = ListeningSession.objects.get()
    assert response.url == session_url(session)
    assert session.get_kind_display() == "Education summit"


def test_a_session_needs_a_title_and_keeps_the_rest(client, world):
    client.force_login(world.cast.facilitator)
    response = client.post(
        reverse("listening:session-create", args=[world.engagement.pk]),
        {"kind": "lets_talk", "title": "", "place": "By e-mail"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the session a title." in html and "By e-mail" in html


def test_comments_are_entered_one_by_one_and_the_group_is_remembered(client, world):
    session = ListeningSessionFactory(engagement=world.engagement)
    client.force_login(world.cast.facilitator)
    url = session_url(session)
    htmx = {"HX-Request": "true"}
    first = client.post(url, {"text": "More arts", "group": str(world.parents.pk)}, headers=htmx)
    assert first.status_code == 200
    html = first.content.decode()
    assert "<html" not in html and 'id="entry"' in html and "More arts" in html
    # The fresh form keeps the group chosen last, and the box is empty.
    assert f'<option value="{world.parents.pk}" selected>' in html
    client.post(url, {"text": "Safer crossings", "group": str(world.parents.pk)}, headers=htmx)
    comments = list(Comment.objects.order_by("created_at"))
    assert [c.text for c in comments] == ["More arts", "Safer crossings"]
    assert all(c.session == session and c.stakeholder_group == world.parents for c in comments)
    assert all(c.entered_by == world.cast.facilitator and c.answer is None for c in comments)
    page = client.get(url).content.decode()
    assert f'<option value="{world.parents.pk}" selected>' in page
    assert "listening-entry.js" in page


def test_an_empty_comment_is_refused_by_the_field(client, world):
    session = ListeningSessionFactory(engagement=world.engagement)
    client.force_login(world.cast.facilitator)
    response = client.post(session_url(session), {"text": "  ", "group": ""})
    assert response.status_code == 400
    assert "Write the comment before adding it." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_empty_or_too_long_comment_typed_at_the_keyboard_shows_its_error_in_place(client, world):
    """The site's htmx swaps no 4xx answer, so the entry fragment comes back as a 200 carrying
    the error next to the box, and the words typed."""
    session = ListeningSessionFactory(engagement=world.engagement)
    client.force_login(world.cast.facilitator)
    htmx = {"HX-Request": "true"}
    response = client.post(session_url(session), {"text": "  ", "group": ""}, headers=htmx)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="entry"' in html
    assert "Write the comment before adding it." in html
    long = "Trop long — " + "x" * 2100
    response = client.post(session_url(session), {"text": long, "group": ""}, headers=htmx)
    assert response.status_code == 200
    assert long[:40] in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_is_edited_and_deleted_after_a_confirmation(client, world):
    comment = ListeningCommentFactory(session__engagement=world.engagement, text="Tpyo")
    session = comment.session
    client.force_login(world.cast.core_team)
    args = [world.engagement.pk, session.pk, comment.pk]
    client.post(
        reverse("listening:comment-edit", args=args),
        {"text": "Typo fixed", "group": str(world.staff.pk)},
    )
    comment.refresh_from_db()
    assert comment.text == "Typo fixed" and comment.stakeholder_group == world.staff
    delete = reverse("listening:comment-delete", args=args)
    assert "Delete this comment?" in client.get(delete).content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()
    client.post(delete)
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_deleting_a_session_asks_first_and_takes_its_comments(client, world):
    comment = ListeningCommentFactory(session__engagement=world.engagement)
    session = comment.session
    client.force_login(world.cast.facilitator)
    delete = reverse("listening:session-delete", args=[world.engagement.pk, session.pk])
    assert "every comment entered for it" in client.get(delete).content.decode()
    client.post(delete)
    assert not ListeningSession.objects.exists() and not Comment.objects.exists()


def test_a_plan_team_member_reads_comments_but_cannot_add(client, world):
    comment = ListeningCommentFactory(session__engagement=world.engagement, text="Heard")
    client.force_login(world.cast.plan_team)
    page = client.get(session_url(comment.session))
    html = page.content.decode()
    assert page.status_code == 200 and "Heard" in html and "Add the comment" not in html
    assert client.post(session_url(comment.session), {"text": "x"}).status_code == 403


def test_a_group_of_another_engagement_cannot_be_chosen(client, world, cast):
    from tests.factories import StakeholderGroupFactory

    session = ListeningSessionFactory(engagement=world.engagement)
    foreign = StakeholderGroupFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    response = client.post(session_url(session), {"text": "x", "group": str(foreign.pk)})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_session_and_overview_pages_take_constant_queries(
    client, world, django_assert_max_num_queries
):
    session = ListeningSessionFactory(engagement=world.engagement)
    ListeningCommentFactory(session=session, stakeholder_group=world.parents)
    client.force_login(world.cast.core_team)
    pages = [session_url(session), reverse("listening:overview", args=[world.engagement.pk])]
    counts = []
    for page in pages:
        with django_assert_max_num_queries(50) as queries:
            assert client.get(page).status_code == 200
        counts.append(len(queries.captured_queries))
    for n in range(40):
        group = [world.parents, world.staff, None][n % 3]
        ListeningCommentFactory(session=session, stakeholder_group=group)
        ListeningSessionFactory(engagement=world.engagement)
    for page, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(page).status_code == 200
