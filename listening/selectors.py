"""Reads for listening: the listening page, a survey's results by stakeholder group (with small
groups kept out of sight), a session's comments. Each page's queries stay constant as answers
grow: counts are made by the database, grouped."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from engagements.models import Engagement, StakeholderGroup
from engagements.small_groups import hide_small

from .models import SCALE, Answer, Comment, ListeningSession, Question, Respondent, Survey

# Results for a group of fewer respondents than this are not shown (nor can they be worked out
# from what is shown: see `engagements.small_groups.hide_small`).
MIN_GROUP = 5
NOT_SHOWN = "Fewer than 5 responses: not shown"
NO_GROUP = "No group given"


@dataclass
class Group:
    key: str  # the group's id, or "" for respondents who gave none
    name: str
    respondents: int
    shown: bool = True


@dataclass
class Row:
    label: str
    overall: int
    by_group: list[int | None]  # None: the group is not shown
    percent: int = 0


@dataclass
class QuestionResult:
    question: Question
    rows: list[Row] = field(default_factory=list)
    answered: int = 0
    open_answers: list[tuple[str, str]] = field(default_factory=list)  # (text, group or "")


@dataclass
class Results:
    survey: Survey
    respondents: int
    overall_shown: bool
    groups: list[Group]
    questions: list[QuestionResult]

    @property
    def shown_groups(self) -> list[Group]:
        return [g for g in self.groups if g.shown]


def surveys_for(engagement: Engagement) -> list[Survey]:
    return list(
        Survey.objects.filter(engagement=engagement).annotate(
            answered=Count(
                "respondents", filter=Q(respondents__submitted_at__isnull=False), distinct=True
            ),
            question_count=Count("questions", distinct=True),
        )
    )


def sessions_for(engagement: Engagement) -> list[ListeningSession]:
    return list(
        ListeningSession.objects.filter(engagement=engagement).annotate(
            comment_count=Count("comments")
        )
    )


def groups_for(engagement_id) -> list[StakeholderGroup]:
    return list(StakeholderGroup.objects.filter(engagement_id=engagement_id).order_by("position"))


def session_comments(session: ListeningSession) -> list[Comment]:
    return list(session.comments.select_related("stakeholder_group").order_by("-created_at"))


def _survey_groups(per_group: dict[str, int], engagement_groups) -> list[Group]:
    """A survey's groups with their respondents, each marked shown or not by the small-group
    rule (the one decision, for the results and for the tagging page's labels)."""
    groups = [
        Group(key=str(g.pk), name=g.name, respondents=per_group.get(str(g.pk), 0))
        for g in engagement_groups
    ]
    if per_group.get(""):
        groups.append(Group(key="", name=NO_GROUP, respondents=per_group[""]))
    hide_small(groups, size=lambda g: g.respondents)
    return groups


def hidden_survey_groups(engagement: Engagement) -> set[tuple[str, str]]:
    """(survey id, group id or "") of every group that a survey's results do not show: a written
    answer from it must not be labelled with its group anywhere else either. Two queries."""
    per_survey: dict[str, dict[str, int]] = {}
    submitted = Respondent.objects.filter(survey__engagement=engagement, submitted_at__isnull=False)
    for row in submitted.values("survey", "stakeholder_group").annotate(n=Count("id")):
        counts = per_survey.setdefault(str(row["survey"]), {})
        counts[str(row["stakeholder_group"] or "")] = row["n"]
    engagement_groups = groups_for(engagement.pk)
    return {
        (survey_id, group.key)
        for survey_id, per_group in per_survey.items()
        for group in _survey_groups(per_group, engagement_groups)
        if not group.shown
    }


def results_for(survey: Survey) -> Results:
    submitted = Respondent.objects.filter(survey=survey, submitted_at__isnull=False)
    per_group = {
        str(row["stakeholder_group"] or ""): row["n"]
        for row in submitted.values("stakeholder_group").annotate(n=Count("id"))
    }
    groups = _survey_groups(per_group, groups_for(survey.engagement_id))
    total = sum(per_group.values())
    overall_shown = total >= MIN_GROUP
    shown_keys = {g.key for g in groups if g.shown}
    names = {g.key: g.name for g in groups}

    counts: dict[tuple, int] = {}
    answers = Answer.objects.filter(respondent__submitted_at__isnull=False, question__survey=survey)
    for row in answers.values(
        "question", "choice", "scale", "respondent__stakeholder_group"
    ).annotate(n=Count("id")):
        group = str(row["respondent__stakeholder_group"] or "")
        value = row["choice"] if row["scale"] is None else row["scale"]
        key = (row["question"], value)
        counts[key] = counts.get(key, 0) + row["n"]
        counts[(*key, group)] = counts.get((*key, group), 0) + row["n"]

    open_texts: dict = {}
    comments = Comment.objects.filter(answer__question__survey=survey).values_list(
        "answer__question", "text", "stakeholder_group"
    )
    # In the order of their random ids, not as they came: the facilitator, who sees when each
    # invited person answered, must not be able to match a name to the last answers written.
    for question_id, text, group_id in comments.order_by("id"):
        group = str(group_id or "")
        label = names.get(group, "") if group in shown_keys else ""
        open_texts.setdefault(question_id, []).append((text, label))

    results = []
    for question in survey.questions.all():
        result = QuestionResult(question=question)
        if question.kind == Question.Kind.OPEN:
            result.open_answers = open_texts.get(question.pk, []) if overall_shown else []
            result.answered = len(open_texts.get(question.pk, []))
        else:
            options = (
                [(value, label) for value, label in SCALE]
                if question.kind == Question.Kind.SCALE
                else [(choice, choice) for choice in question.choices]
            )
            result.answered = sum(counts.get((question.pk, value), 0) for value, _ in options)
            for value, label in options:
                overall = counts.get((question.pk, value), 0)
                by_group = [
                    counts.get((question.pk, value, g.key), 0) if g.shown else None for g in groups
                ]
                percent = round(100 * overall / result.answered) if result.answered else 0
                result.rows.append(Row(label, overall, by_group, percent))
        results.append(result)
    return Results(
        survey=survey,
        respondents=total,
        overall_shown=overall_shown,
        groups=groups,
        questions=results,
    )
