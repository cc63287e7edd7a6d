"""Synthesis (seed 003 step 2, "Synthesize data to identify themes, ideas and concepts
prioritized by the community"): the team tags the community's voices (`listening.Comment`: what
was said at a listening session, or a survey's open answer) with themes, counts them, picks
representative quotes, and carries a theme forward to a retreat board (a seeded card) or to the
plan (a goal, strategy or value whose source is the theme: `planning.models.Sourced`).
"""

import uuid

from django.conf import settings
from django.db import models

from engagements.models import Engagement
from engagements.text import TEXT_MAX_LENGTH

THEME_NAME_MAX = 120
QUOTES_MAX = 5  # representative quotes per theme


class VoiceTheme(models.Model):
    """A theme in what the community said, e.g. "Safer walks to school"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="voice_themes"
    )
    name = models.CharField("theme", max_length=THEME_NAME_MAX)
    description = models.TextField("description", blank=True, max_length=TEXT_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "name"], name="synthesis_theme_name")
        ]

    def __str__(self) -> str:
        return self.name


class Tagging(models.Model):
    """One comment tagged with one theme; a comment may carry several themes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    theme = models.ForeignKey(VoiceTheme, on_delete=models.CASCADE, related_name="taggings")
    comment = models.ForeignKey(
        "listening.Comment", on_delete=models.CASCADE, related_name="taggings"
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "comment"], name="synthesis_tag_once")
        ]

    def __str__(self) -> str:
        return f"{self.theme_id} on {self.comment_id}"


class Quote(models.Model):
    """A representative quote of a theme: one of its tagged comments, in the team's order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    theme = models.ForeignKey(VoiceTheme, on_delete=models.CASCADE, related_name="quotes")
    comment = models.ForeignKey("listening.Comment", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "comment"], name="synthesis_quote_once")
        ]

    def __str__(self) -> str:
        return f"Quote of {self.theme_id}"


class BoardSeed(models.Model):
    """A theme carried to a retreat board: the card it seeded there, with the words and the count
    as they were when it was carried (the card may be edited, merged or hidden on the board)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    theme = models.ForeignKey(VoiceTheme, on_delete=models.CASCADE, related_name="board_seeds")
    activity = models.ForeignKey("retreats.Activity", on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey(
        "retreats.Card", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=500)
    comments = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]
