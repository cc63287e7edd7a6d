"""Riverside's synthesis in the demo (synthesis/demo.py), built by load_demo."""

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from engagements.models import Engagement
from listening.models import Comment
from planning.models import Strategy
from retreats.models import Activity
from synthesis.demo import THEMES, TO_PLAN, TO_SWOT
from synthesis.models import BoardSeed, Quote, Tagging, VoiceTheme

pytestmark = pytest.mark.django_db


def riverside() -> Engagement:
    return Engagement.objects.get(name="Strategic Plan 2027–2032")


def snapshot() -> str:
    labels = {"synthesis", "retreats", "planning"}
    models = [m for m in apps.get_models() if m._meta.app_label in labels]
    objects = [obj for model in models for obj in model.objects.order_by("pk")]
    return serializers.serialize("json", objects)


def test_the_demo_themes_tag_most_comments_with_quotes():
    call_command("load_demo")
    themes = list(VoiceTheme.objects.filter(engagement=riverside()))
    assert [t.name for t in themes] == [name for name, *_ in THEMES]
    for theme in themes:
        assert theme.taggings.count() >= 5, theme.name
        quotes = list(Quote.objects.filter(theme=theme))
        assert len(quotes) == 2, theme.name
        assert all(Tagging.objects.filter(theme=theme, comment=q.comment).exists() for q in quotes)
    comments = Comment.objects.filter(engagement=riverside())
    tagged = comments.filter(taggings__isnull=False).distinct().count()
    assert tagged > comments.count() / 2
    # Both sources are tagged: the survey's open answers and the sessions' comments.
    assert comments.filter(taggings__isnull=False, session__isnull=False).exists()
    assert comments.filter(taggings__isnull=False, answer__isnull=False).exists()


def test_two_themes_are_seeded_cards_on_the_finished_swot_and_one_a_plan_source():
    call_command("load_demo")
    swot = Activity.objects.get(kind="swot", retreat__title="Data retreat: SWOT analysis")
    seeds = BoardSeed.objects.filter(activity=swot).select_related("theme", "card")
    assert {(s.theme.name, s.card.quadrant) for s in seeds} == set(TO_SWOT)
    for seed in seeds:
        assert seed.card.activity == swot and seed.card.author is None
        assert seed.card.text == seed.text and seed.text.startswith("Community input: ")
        assert seed.comments == seed.theme.taggings.count()
    theme_name, title = TO_PLAN
    strategy = Strategy.objects.get(goal__plan__engagement=riverside(), title=title)
    assert strategy.source_kind == "voices"
    assert strategy.source_voice_theme.name == theme_name
    assert strategy.source_dots == strategy.source_voice_theme.taggings.count()


def test_running_the_demo_twice_changes_nothing_and_keeps_peoples_changes():
    call_command("load_demo")
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before
    # A seeded card someone deleted stays deleted (its seed remembers it was carried); an
    # untagged comment stays untagged.
    swot = Activity.objects.get(kind="swot", retreat__title="Data retreat: SWOT analysis")
    BoardSeed.objects.first().card.delete()
    Tagging.objects.filter(theme__name="Class sizes").first().delete()
    cards, taggings = swot.cards.count(), Tagging.objects.count()
    call_command("load_demo")
    assert swot.cards.count() == cards
    assert Tagging.objects.count() == taggings


def test_the_synthesis_pages_open_for_dana(client):
    call_command("load_demo")
    engagement = riverside()
    client.force_login(User.objects.get(email="facilitator@riverside.example"))
    page = client.get(reverse("synthesis:overview", args=[engagement.pk])).content.decode()
    assert "Safe walks to school" in page and "Career pathways" in page
    theme = VoiceTheme.objects.get(engagement=engagement, name="Mental health support")
    url = reverse("synthesis:theme", args=[engagement.pk, theme.pk])
    page = client.get(url).content.decode()
    assert "one counselor for the whole 10th grade" in page
    assert "Data retreat: SWOT analysis" in page
