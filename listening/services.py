"""Writes for listening: surveys and their questions, invitations, answers, listening sessions
and their comments, and the clearing of respondents' contact details after the retention time.

Invitation tokens are e-mailed and never stored: only their SHA-256 hash is kept. A submission
by invitation is a conditional update, so a double-clicked "Send" cannot answer twice.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.services import email_send
from engagements.models import Engagement, StakeholderGroup

from .models import (
    PPRA_KEYWORDS,
    PPRA_TOPICS,
    Answer,
    Comment,
    ListeningSession,
    ListeningSettings,
    Question,
    Respondent,
    Survey,
)

ANSWER_MAX = 2_000
CHOICES_MAX = 20
TOPIC_KEYS = {key for key, _ in PPRA_TOPICS}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- surveys ---------------------------------------------------------------------------------


def survey_create(
    *,
    engagement: Engagement,
    by,
    title: str,
    introduction: str = "",
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> Survey:
    _check_dates(opens_on, closes_on)
    return Survey.objects.create(
        engagement=engagement,
        created_by=by,
        title=title.strip(),
        introduction=introduction.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
    )


def survey_update(
    *,
    survey: Survey,
    title: str,
    introduction: str,
    opens_on: date | None,
    closes_on: date | None,
) -> Survey:
    _check_dates(opens_on, closes_on)
    survey.title, survey.introduction = title.strip(), introduction.strip()
    survey.opens_on, survey.closes_on = opens_on, closes_on
    survey.save(update_fields=["title", "introduction", "opens_on", "closes_on"])
    return survey


def _check_dates(opens_on: date | None, closes_on: date | None) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError({"closes_on": "The closing date comes before the opening date."})


def survey_open(*, survey: Survey) -> Survey:
    if not survey.questions.exists():
        raise ValidationError("Add at least one question before opening the survey.")
    survey.status, survey.closed_at = Survey.Status.OPEN, None
    survey.save(update_fields=["status", "closed_at"])
    return survey


def survey_close(*, survey: Survey, now: datetime | None = None) -> Survey:
    survey.status, survey.closed_at = Survey.Status.CLOSED, now or timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    return survey


def public_link_make(*, survey: Survey) -> str:
    """A new public link; any earlier one stops working."""
    survey.public_token = secrets.token_urlsafe(18)
    survey.save(update_fields=["public_token"])
    return survey.public_token


def public_link_turn_off(*, survey: Survey) -> None:
    survey.public_token = None
    survey.save(update_fields=["public_token"])


# --- questions -------------------------------------------------------------------------------


def ppra_suspected(text: str) -> bool:
    """Whether a question's words suggest a protected topic (a hint: the author decides)."""
    return bool(PPRA_KEYWORDS.search(text or ""))


def _require_unanswered(survey: Survey) -> None:
    if survey.respondents.filter(submitted_at__isnull=False).exists():
        raise ValidationError(
            "People have already answered this survey, so its questions cannot change: their "
            "answers would no longer match. Make a new survey instead."
        )


def _clean_choices(kind: str, choices: Iterable[str]) -> list[str]:
    if kind != Question.Kind.CHOICE:
        return []
    seen, kept = set(), []
    for choice in choices:
        choice = choice.strip()
        if choice and choice.casefold() not in seen:
            seen.add(choice.casefold())
            kept.append(choice[:200])
    if len(kept) < 2:
        raise ValidationError({"choices": "Give at least two choices, one per line."})
    if len(kept) > CHOICES_MAX:
        raise ValidationError({"choices": f"Give at most {CHOICES_MAX} choices."})
    return kept


def question_save(
    *,
    survey: Survey,
    question: Question | None = None,
    kind: str,
    text: str,
    choices: Iterable[str] = (),
    required: bool = False,
    ppra_topics: Iterable[str] = (),
) -> Question:
    """Adds a question at the end, or changes one. `touches_ppra` is set when the author ticked
    a protected topic or the words suggest one."""
    _require_unanswered(survey)
    topics = [topic for topic in ppra_topics if topic in TOPIC_KEYS]
    if question is None:
        last = survey.questions.aggregate(last=Max("position"))["last"]
        question = Question(survey=survey, position=0 if last is None else last + 1)
    question.kind = kind
    question.text = text.strip()
    question.choices = _clean_choices(kind, choices)
    question.required = required
    question.ppra_topics = topics
    question.touches_ppra = bool(topics) or ppra_suspected(question.text)
    question.save()
    return question


def question_delete(*, question: Question) -> None:
    _require_unanswered(question.survey)
    question.delete()


def question_move(*, question: Question, by: int) -> None:
    """Moves a question up (-1) or down (+1) among its survey's questions."""
    with transaction.atomic():
        siblings = list(Question.objects.select_for_update().filter(survey_id=question.survey_id))
        ids = [q.pk for q in siblings]
        index = ids.index(question.pk)
        target = index + by
        if not 0 <= target < len(ids):
            return
        ids.insert(target, ids.pop(index))
        for position, pk in enumerate(ids):
            Question.objects.filter(pk=pk).update(position=position)


# --- invitations and answers -----------------------------------------------------------------


def _send_invitation(respondent: Respondent, token: str, base_url: str | None) -> None:
    survey = respondent.survey
    base = (base_url or settings.SITE_URL).rstrip("/")
    context = {
        "survey": survey,
        "engagement": survey.engagement,
        "organization": survey.engagement.organization,
        "name": respondent.name,
        "link": base + reverse("listening:invited", args=[token]),
    }
    email_send(
        to=[respondent.email],
        subject=f"Your voice in {survey.engagement.organization.name}’s planning: {survey.title}",
        body=render_to_string("listening/email/invitation.txt", context),
    )


def respondents_invite(
    *,
    survey: Survey,
    people: Iterable[tuple[str, str]],
    base_url: str | None = None,
) -> list[Respondent]:
    """Invites each (name, e-mail) by e-mail with a personal link that answers once. An address
    already invited to this survey is skipped. The e-mails are queued once the invitations are
    saved: MailQueueUnavailable then means they are saved but not sent (send them again from
    the list)."""
    already = {
        email.lower()
        for email in survey.respondents.exclude(email="").values_list("email", flat=True)
    }
    invited = []
    with transaction.atomic():
        for name, email in people:
            email = email.strip().lower()
            if email in already:
                continue
            already.add(email)
            token = secrets.token_urlsafe(32)
            respondent = Respondent.objects.create(
                survey=survey,
                name=name.strip()[:150],
                email=email,
                invitation_token_hash=token_hash(token),
                invited_at=timezone.now(),
            )
            _send_invitation(respondent, token, base_url)
            invited.append(respondent)
    return invited


def invitation_resend(*, respondent: Respondent, base_url: str | None = None) -> None:
    """A new personal link for someone invited who has not answered; the old link stops."""
    if respondent.submitted_at is not None or not respondent.email:
        raise ValidationError("This person has already answered, or their address is deleted.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        respondent.invitation_token_hash = token_hash(token)
        respondent.invited_at = timezone.now()
        respondent.save(update_fields=["invitation_token_hash", "invited_at"])
        _send_invitation(respondent, token, base_url)


def respondent_for_token(token: str) -> Respondent | None:
    if not token or len(token) > 100:
        return None
    return (
        Respondent.objects.select_related("survey__engagement__organization")
        .filter(invitation_token_hash=token_hash(token))
        .first()
    )


def _clean_answers(survey: Survey, questions: list[Question], values: dict) -> dict:
    """The answers keyed by question id: a choice (text), a point on the scale (int) or open
    text. Raises ValidationError keyed by question id."""
    errors, kept = {}, {}
    for question in questions:
        value = values.get(str(question.pk))
        if value in (None, ""):
            if question.required:
                errors[str(question.pk)] = "Please answer this question."
            continue
        if question.kind == Question.Kind.CHOICE and value not in question.choices:
            errors[str(question.pk)] = "Choose one of the answers."
        elif question.kind == Question.Kind.SCALE and value not in range(1, 6):
            errors[str(question.pk)] = "Choose a point from 1 to 5."
        elif question.kind == Question.Kind.OPEN and len(value) > ANSWER_MAX:
            errors[str(question.pk)] = f"Keep it to {ANSWER_MAX:,} characters."
        else:
            kept[question.pk] = value
    if errors:
        raise ValidationError(errors)
    return kept


ALREADY_ANSWERED = "This invitation has already been used to answer: thank you!"
NOT_OPEN = "This survey is not taking answers now."


def answers_submit(
    *,
    survey: Survey,
    group: StakeholderGroup | None,
    values: dict,
    respondent: Respondent | None = None,
) -> Respondent:
    """Stores one person's answers: a new anonymous respondent (public link) or the invited
    one, once. Raises ValidationError when the survey is not open or the invitation was used."""
    if group is not None and group.engagement_id != survey.engagement_id:
        raise ValidationError({"group": "Choose a group from the list."})
    questions = list(survey.questions.all())
    with transaction.atomic():
        if not Survey.objects.get(pk=survey.pk).accepts_answers:
            raise ValidationError(NOT_OPEN)
        kept = _clean_answers(survey, questions, values)
        now = timezone.now()
        if respondent is None:
            respondent = Respondent.objects.create(
                survey=survey, stakeholder_group=group, submitted_at=now
            )
        else:
            claimed = Respondent.objects.filter(
                pk=respondent.pk, survey=survey, submitted_at__isnull=True
            ).update(submitted_at=now, stakeholder_group=group)
            if not claimed:
                raise ValidationError(ALREADY_ANSWERED)
            respondent.submitted_at, respondent.stakeholder_group = now, group
        for question in questions:
            if question.pk not in kept:
                continue
            value = kept[question.pk]
            answer = Answer.objects.create(
                respondent=respondent,
                question=question,
                choice=value if question.kind == Question.Kind.CHOICE else "",
                scale=value if question.kind == Question.Kind.SCALE else None,
            )
            if question.kind == Question.Kind.OPEN:
                Comment.objects.create(
                    engagement_id=survey.engagement_id,
                    text=value,
                    stakeholder_group=group,
                    answer=answer,
                )
    return respondent


# --- listening sessions ----------------------------------------------------------------------


def session_save(
    *,
    engagement: Engagement,
    session: ListeningSession | None = None,
    kind: str,
    title: str,
    held_on: date | None,
    place: str,
) -> ListeningSession:
    session = session or ListeningSession(engagement=engagement)
    session.kind, session.title, session.held_on, session.place = (
        kind,
        title.strip(),
        held_on,
        place.strip(),
    )
    session.save()
    return session


def session_delete(*, session: ListeningSession) -> None:
    session.delete()  # its comments go with it


def _group_of(engagement_id, group: StakeholderGroup | None) -> StakeholderGroup | None:
    if group is not None and group.engagement_id != engagement_id:
        raise ValidationError({"group": "Choose a group from the list."})
    return group


def comment_add(
    *, session: ListeningSession, text: str, group: StakeholderGroup | None, by
) -> Comment:
    return Comment.objects.create(
        engagement_id=session.engagement_id,
        session=session,
        text=text.strip(),
        stakeholder_group=_group_of(session.engagement_id, group),
        entered_by=by,
    )


def comment_edit(*, comment: Comment, text: str, group: StakeholderGroup | None) -> Comment:
    comment.text = text.strip()
    comment.stakeholder_group = _group_of(comment.engagement_id, group)
    comment.save(update_fields=["text", "stakeholder_group"])
    return comment


def comment_delete(*, comment: Comment) -> None:
    comment.delete()


# --- privacy: contact details are kept for a while only --------------------------------------


RETENTION_MAX_DAYS = 3650


def retention_days(engagement: Engagement) -> int:
    """Days this engagement keeps respondents' contact details after a survey closes."""
    own = ListeningSettings.objects.filter(engagement=engagement).first()
    if own is not None and own.contact_retention_days is not None:
        return own.contact_retention_days
    return settings.LISTENING_CONTACT_RETENTION_DAYS


def retention_set(*, engagement: Engagement, days: int | None) -> None:
    """The engagement's own retention time; None goes back to the site's."""
    if days is not None and not 1 <= days <= RETENTION_MAX_DAYS:
        raise ValidationError(
            {"contact_retention_days": f"Choose between 1 and {RETENTION_MAX_DAYS} days."}
        )
    ListeningSettings.objects.update_or_create(
        engagement=engagement, defaults={"contact_retention_days": days}
    )


def _clear_closed_before(surveys, cutoff: datetime, now: datetime) -> int:
    cutoff_day = timezone.localdate(cutoff)
    closed = surveys.filter(Q(closed_at__lte=cutoff) | Q(closes_on__lt=cutoff_day))
    cleared = (
        Respondent.objects.filter(survey__in=closed)
        .exclude(name="", email="")
        .update(name="", email="")
    )
    closed.filter(contacts_cleared_at__isnull=True).update(contacts_cleared_at=now)
    return cleared


def respondent_contacts_clear(*, now: datetime | None = None) -> int:
    """Clears the names and e-mail addresses of respondents whose survey closed (by hand, or
    past its closing date) more than the retention time ago: the engagement's own, else
    LISTENING_CONTACT_RETENTION_DAYS. Their group and answers stay. Returns how many
    respondents were cleared."""
    now = now or timezone.now()
    by_days: dict[int, list] = {}
    own = ListeningSettings.objects.filter(contact_retention_days__isnull=False)
    for engagement_id, days in own.values_list("engagement_id", "contact_retention_days"):
        by_days.setdefault(days, []).append(engagement_id)
    everyone_else = Survey.objects.exclude(
        engagement_id__in=[e for ids in by_days.values() for e in ids]
    )
    with transaction.atomic():
        cleared = _clear_closed_before(
            everyone_else, now - timedelta(days=settings.LISTENING_CONTACT_RETENTION_DAYS), now
        )
        for days, engagement_ids in by_days.items():
            surveys = Survey.objects.filter(engagement_id__in=engagement_ids)
            cleared += _clear_closed_before(surveys, now - timedelta(days=days), now)
    return cleared
