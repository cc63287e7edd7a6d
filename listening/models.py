"""Listening to the community (seed 003 steps 1-2, seed 004 phase 1): surveys answered by
invitation or through a public link, and listening sessions whose comments staff enter. It has
its own room beside `retreats` because it has its own nouns (surveys, respondents, sessions).

Every free-text voice, whether said at a session or written in a survey's open question, is one
`Comment` row, so themes can later be tagged, counted and quoted from one place.
"""

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from engagements.models import Engagement, StakeholderGroup
from engagements.text import REASON_MAX_LENGTH, TEXT_MAX_LENGTH

# The protected topics of the US Protection of Pupil Rights Amendment (20 U.S.C. § 1232h).
PPRA_TOPICS = [
    ("political", "Political affiliations or beliefs"),
    ("mental_health", "Mental or psychological problems"),
    ("sexual", "Sexual behaviour or attitudes"),
    ("illegal", "Illegal, anti-social, self-incriminating or demeaning behaviour"),
    ("family_appraisal", "Critical appraisals of close family members"),
    ("privileged", "Legally privileged relationships (lawyers, doctors, ministers)"),
    ("religion", "Religious practices, affiliations or beliefs"),
    ("income", "Income (beyond what a program's eligibility needs)"),
]
PPRA_WARNING = (
    "This question touches a protected topic under the federal PPRA (e.g. religion, income): "
    "written parental consent may be required before students answer it."
)
# Simple words that suggest a topic: a hint for the author, who may also tick a topic by hand.
PPRA_KEYWORDS = re.compile(
    r"\b(politic\w*|vot(e|ed|ing)|democrat\w*|republican\w*|party affiliation|"
    r"mental|depress\w*|anxiety|suicid\w*|self-harm|psycholog\w*|"
    r"sex\w*|gender identity|"
    r"illegal|drug\w*|alcohol|steal\w*|crime|criminal|arrest\w*|"
    r"your (parents?|family|mother|father|siblings?)\b.{0,40}\b(bad|wrong|fault|problem)\w*|"
    r"lawyer|attorney|therapist|counsel+or|pastor|priest|minister|"
    r"relig\w*|church|mosque|synagogue|temple|faith|pray\w*|god|"
    r"income|salary|wages?|earn\w*|household money)\b",
    re.IGNORECASE,
)

SCALE = [
    (1, "1 – Strongly disagree"),
    (2, "2 – Disagree"),
    (3, "3 – Neither agree nor disagree"),
    (4, "4 – Agree"),
    (5, "5 – Strongly agree"),
]


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The public link is meant to be shared (posted, printed as a QR code), so it is kept as is;
    # None: no public link, only invitations.
    public_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    opens_on = models.DateField("opens", null=True, blank=True)
    closes_on = models.DateField("closes", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    contacts_cleared_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def accepts_answers(self) -> bool:
        """Open, and today within its dates (when it has any)."""
        today = timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and (self.opens_on is None or self.opens_on <= today)
            and (self.closes_on is None or self.closes_on >= today)
        )

    @property
    def state_words(self) -> str:
        today = timezone.localdate()
        if self.status == self.Status.DRAFT:
            return "Draft: not yet open for answers"
        if self.status == self.Status.CLOSED:
            return "Closed: no more answers are taken"
        if self.opens_on and self.opens_on > today:
            return f"Opens on {self.opens_on:%-d %B %Y}"
        if self.closes_on and self.closes_on < today:
            return f"Closed on {self.closes_on:%-d %B %Y}"
        return "Open for answers" + (f" until {self.closes_on:%-d %B %Y}" if self.closes_on else "")


class Question(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", "Choose one"
        SCALE = "scale", "Scale from 1 to 5"
        OPEN = "open", "Open answer (written)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHOICE)
    text = models.CharField(max_length=500)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    # The PPRA topics the author ticked; `touches_ppra` also counts the keyword match, set by
    # the service on every save.
    ppra_topics = models.JSONField(default=list, blank=True)
    touches_ppra = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Respondent(models.Model):
    """One person answering one survey: invited by e-mail (name and address known to the
    facilitator only) or through the public link (anonymous). Contact details are cleared
    LISTENING_CONTACT_RETENTION_DAYS after the survey closes; group and answers stay."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    stakeholder_group = models.ForeignKey(
        StakeholderGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    invitation_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Respondent to {self.survey_id}"

    @property
    def is_invited(self) -> bool:
        return self.invitation_token_hash is not None


class Answer(models.Model):
    """A closed answer (a choice or a point on the scale). An open answer's text is a Comment
    pointing here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=200, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"], name="listening_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return self.choice or str(self.scale or "")


class ListeningSession(models.Model):
    class Kind(models.TextChoices):
        TOWN_HALL = "town_hall", "Town hall meeting"
        SUMMIT = "summit", "Education summit"
        TOUR = "listening_tour", "Listening tour"
        LETS_TALK = "lets_talk", "“Let’s Talk” message"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="listening_sessions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TOWN_HALL)
    title = models.CharField(max_length=200)
    held_on = models.DateField("date", null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """One voice in free text: what was said at a listening session (entered by staff), or a
    survey's open answer. Never carries a name: who wrote an open answer is its respondent,
    seen by the facilitator only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="listening_comments"
    )
    text = models.TextField(max_length=REASON_MAX_LENGTH)
    stakeholder_group = models.ForeignKey(
        StakeholderGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        ListeningSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    answer = models.OneToOneField(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="comment"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(session__isnull=False, answer__isnull=True)
                    | models.Q(session__isnull=True, answer__isnull=False)
                ),
                name="listening_comment_has_one_source",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def source(self) -> str:
        return "session" if self.session_id else "survey"


class ListeningSettings(models.Model):
    """An engagement's own choices for listening, where it differs from the site's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.OneToOneField(
        Engagement, on_delete=models.CASCADE, related_name="listening_settings"
    )
    # None: the site's LISTENING_CONTACT_RETENTION_DAYS.
    contact_retention_days = models.PositiveSmallIntegerField(
        "keep contact details for (days after a survey closes)", null=True, blank=True
    )

    def __str__(self) -> str:
        return f"Listening settings of {self.engagement_id}"
