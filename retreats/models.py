"""Live retreats: a retreat of an engagement holds activities (SWOT and brainstorm boards) on which
participants (members, or guests who joined by code) add cards, the facilitator groups them into
themes, and everyone votes with dots."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from engagements.models import Engagement, Meeting, Membership, Phase, StakeholderGroup

# No 0/O, 1/I/L: a code read off a projector must not be misread.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class Retreat(models.Model):
    """A live session of the plan team, e.g. the data retreat, with a join code for guests."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="retreats")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="retreats")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="retreats"
    )
    title = models.CharField(max_length=200)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    is_open = models.BooleanField(
        "open for joining",
        default=False,
        help_text="Guests can join and take part only while open.",
    )
    # An open meeting (issue 16, part 5): anyone holding the observer link watches the board
    # the room is on, read-only, and downloads the retreat's record. The token is kept as it is,
    # not hashed like the review link's: it opens only what the public meeting shows anyone
    # present, and the facilitator must be able to copy it again for the agenda or the website.
    is_public_meeting = models.BooleanField(
        "public meeting",
        default=False,
        help_text="Anyone with the observer link can watch the boards, read-only, without "
        "signing in, and download the record for the minutes.",
    )
    observer_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    observer_link_made_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def observer_link_works(self) -> bool:
        return self.is_public_meeting and bool(self.observer_token)


class Activity(models.Model):
    """One board of a retreat: a SWOT board (four quadrants) or a brainstorm (one prompt)."""

    class Kind(models.TextChoices):
        SWOT = "swot", "SWOT board"
        BRAINSTORM = "brainstorm", "Brainstorm board"

    class Stage(models.TextChoices):
        COLLECTING = "collecting", "Adding ideas"
        GROUPING = "grouping", "Grouping into themes"
        VOTING = "voting", "Voting"
        RESULTS = "results", "Results"

    class VoteOn(models.TextChoices):
        CARDS = "cards", "Cards"
        THEMES = "themes", "Themes"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    retreat = models.ForeignKey(Retreat, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    prompt = models.CharField(max_length=300, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.COLLECTING)
    show_authors = models.BooleanField("show who wrote each card", default=False)
    private_until_revealed = models.BooleanField(
        "cards private until revealed",
        default=True,
        help_text="While collecting, each person sees only their own cards.",
    )
    cards_revealed = models.BooleanField(default=False)
    locked = models.BooleanField(default=False, help_text="Nobody can add or change cards.")
    vote_budget = models.PositiveSmallIntegerField(
        "dots per person", null=True, blank=True, help_text="Empty: the engagement's default."
    )
    max_per_item = models.PositiveSmallIntegerField("most dots on one item", default=3)
    vote_on = models.CharField(max_length=10, choices=VoteOn.choices, default=VoteOn.CARDS)
    votes_live = models.BooleanField("show votes as they come in", default=False)
    votes_revealed = models.BooleanField(default=False)
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change anyone should see; watchers poll it to know when to refresh.
    version = models.PositiveIntegerField(default=0)
    # An indicator of the engagement shown on the projector beside the board (a SWOT board
    # during the data retreat); set by services.activity_show_indicator.
    shown_indicator = models.ForeignKey(
        "evidence.Indicator", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def budget(self) -> int:
        return self.vote_budget or self.retreat.engagement.default_vote_budget


class Participant(models.Model):
    """Someone in a retreat: a member of the engagement, or a guest who joined by code."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    retreat = models.ForeignKey(Retreat, on_delete=models.CASCADE, related_name="participants")
    # A member who leaves the engagement leaves the retreat's record as it was: their place stays,
    # under the name they used, with no way back in (no membership, no guest secret).
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    display_name = models.CharField(max_length=60)
    stakeholder_group = models.ForeignKey(
        StakeholderGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Guests are known by a secret kept in their session; members by their membership.
    guest_token_hash = models.CharField(max_length=64, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["retreat", "membership"],
                condition=Q(membership__isnull=False),
                name="one_participant_per_member",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_guest(self) -> bool:
        return self.membership_id is None


class Theme(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    carry_forward = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Card(models.Model):
    class Quadrant(models.TextChoices):
        STRENGTHS = "S", "Strengths"
        WEAKNESSES = "W", "Weaknesses"
        OPPORTUNITIES = "O", "Opportunities"
        THREATS = "T", "Threats"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="cards")
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="cards"
    )
    quadrant = models.CharField(max_length=1, choices=Quadrant.choices, blank=True)
    text = models.CharField(max_length=500)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    hidden = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_sources"
    )
    carry_forward = models.BooleanField(default=False)
    # The indicator a card cites as its evidence ("Graduation rate" for a weakness).
    evidence = models.ForeignKey(
        "evidence.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Ballot(models.Model):
    """A participant's dots in one activity: `spent` never exceeds the budget (checked in SQL)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="ballots")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ballots")
    spent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "participant"], name="one_ballot_each")
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.spent} dots"


class Dot(models.Model):
    """The dots one participant put on one card or theme (`count` ≤ the activity's maximum)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="dots")
    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, null=True, blank=True, related_name="dots"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="dots"
    )
    count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "card"],
                condition=Q(card__isnull=False),
                name="one_dot_row_per_card",
            ),
            models.UniqueConstraint(
                fields=["ballot", "theme"],
                condition=Q(theme__isnull=False),
                name="one_dot_row_per_theme",
            ),
            models.CheckConstraint(
                condition=Q(card__isnull=True) ^ Q(theme__isnull=True), name="dot_on_card_or_theme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} on {self.card or self.theme}"


class ModerationAction(models.Model):
    """What the facilitator did to cards, so the last action can be undone."""

    class Kind(models.TextChoices):
        EDIT = "edit", "Edited a card"
        HIDE = "hide", "Hid a card"
        RESTORE = "restore", "Restored a card"
        MERGE = "merge", "Merged cards"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="moderation")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Enough to put things back: card ids and their previous values.
    undo = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    undone = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.get_kind_display()


class SubmissionKey(models.Model):
    """A card or a dot sent with the page's idempotency key, recorded in the same transaction as
    the write itself: a retried submission (a phone that lost its answer and sent the form again)
    finds its key and gets the first answer back instead of adding a second card or dot. Pruned
    after a day (services.SUBMISSION_KEY_DAYS)."""

    class Kind(models.TextChoices):
        CARD = "card", "A card"
        VOTE_ADD = "vote_add", "A dot added"
        VOTE_REMOVE = "vote_remove", "A dot taken off"

    id = models.BigAutoField(primary_key=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="submission_keys"
    )
    key = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    dots_left = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "key"], name="one_answer_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.key})"
