"""Representative quotes: up to five of a theme's tagged comments, in the team's order."""

import pytest
from django.urls import reverse

from synthesis.models import QUOTES_MAX, Quote
from synthesis.services import tag
from tests.factories import ListeningCommentFactory, VoiceThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(world):
    theme = VoiceThemeFactory(engagement=world.engagement, name="Safety")
    tag(theme=theme, comments=[world.said(text=f"Quote {n}") for n in range(7)])
    return theme


def _add(client, world, theme, comment):
    url = reverse("synthesis:quote-add", args=[world.engagement.pk, theme.pk])
    return client.post(url, {"comment": str(comment.pk)}, follow=True)


def test_quotes_are_picked_from_tagged_comments_and_ordered(client, world, theme):
    client.force_login(world.cast.core_team)
    comments = list(
        theme.taggings.order_by("comment__created_at").values_list("comment", flat=True)
    )
    from listening.models import Comment

    first, second, third = (Comment.objects.get(pk=pk) for pk in comments[:3])
    for comment in (first, second, third):
        _add(client, world, theme, comment)
    assert [q.comment for q in Quote.objects.filter(theme=theme)] == [first, second, third]
    quote = Quote.objects.get(theme=theme, comment=third)
    url = reverse("synthesis:quote-move", args=[world.engagement.pk, theme.pk, quote.pk])
    client.post(url, {"to": "up"})
    assert [q.comment for q in Quote.objects.filter(theme=theme)] == [first, third, second]
    # Every member reads them, without names.
    client.force_login(world.cast.board)
    text = client.get(reverse("synthesis:theme", args=[world.engagement.pk, theme.pk])).text
    assert text.index(first.text) < text.index(third.text) < text.index(second.text)
    assert "Choose as a quote" not in text
    # Removing a quote leaves the comment tagged.
    client.force_login(world.cast.facilitator)
    url = reverse("synthesis:quote-remove", args=[world.engagement.pk, theme.pk, quote.pk])
    client.post(url)
    assert not Quote.objects.filter(pk=quote.pk).exists()
    assert theme.taggings.filter(comment=third).exists()


def test_at_most_five_quotes_and_only_tagged_comments(client, world, theme):
    client.force_login(world.cast.core_team)
    comments = [t.comment for t in theme.taggings.select_related("comment")]
    for comment in comments[:QUOTES_MAX]:
        _add(client, world, theme, comment)
    response = _add(client, world, theme, comments[QUOTES_MAX])
    assert "A theme has at most 5 quotes" in response.text
    assert Quote.objects.filter(theme=theme).count() == QUOTES_MAX
    # The page offers no more "Choose as a quote" and says why.
    page = client.get(reverse("synthesis:theme", args=[world.engagement.pk, theme.pk])).text
    assert "Choose as a quote" not in page
    assert "This theme has its 5 quotes: remove one above to choose another." in page
    untagged = world.said(text="Not tagged")
    Quote.objects.filter(theme=theme).first().delete()
    response = _add(client, world, theme, untagged)
    assert "A quote is one of the comments tagged with this theme." in response.text
    foreign = ListeningCommentFactory(session__engagement=world.cast.foreign_engagement)
    url = reverse("synthesis:quote-add", args=[world.engagement.pk, theme.pk])
    assert client.post(url, {"comment": str(foreign.pk)}).status_code == 404
