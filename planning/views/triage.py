"""The triage inbox of a draft under review: every member comment and public feedback in one list,
counted per part of the draft, filtered by part, stakeholder group, state and source; and the
decision on one of them (open, accepted with what changed, declined with a reply, duplicate).

Both pages are for the facilitator and the core team (Can.TRIAGE). The inbox costs the same few
queries whatever the number of comments. Deciding works as a plain form (back to the inbox with
its filters kept) and in place with htmx (the item and the counts are swapped).
"""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from engagements.access import Can, access_version, members_only
from engagements.text import CleanTextMixin

from .. import selectors, services
from ..models import Comment, Review
from ..selectors import review as reviews
from ..services import review as review_services

WITHDRAWN = "withdrawn"
STATES = [*Comment.State.choices, (WITHDRAWN, "Withdrawn")]
SOURCES = [("team", "Team members"), ("public", "Public feedback")]


def _review(version) -> Review:
    review = reviews.review_of(version)
    if review is None:
        raise Http404("This draft has not been published for review.")
    return review


def part_label(kind: str, label: str, terms: dict) -> str:
    """A part of the draft as the team reads it: "Goal: Every reader by grade 3"."""
    if kind == reviews.WHOLE:
        return "The whole draft"
    if kind == "statement":
        return label
    word = "Value" if kind == "value" else terms.get(kind, kind.title())
    return f"{word}: {label}"


def _parts(version, terms: dict) -> dict[str, str]:
    """Every commentable part of the draft, key → words, in reading order."""
    return {t.key: part_label(t.kind, t.label, terms) for t in reviews.targets(version.data)}


def _key(comment: Comment) -> str:
    return f"{comment.element_kind}:{comment.element_id}" if comment.element_id else reviews.WHOLE


def _label_items(items: list[Comment], parts: dict[str, str], terms: dict) -> list[Comment]:
    for item in items:
        item.part = parts.get(_key(item)) or part_label(
            item.element_kind, item.element_label, terms
        )
    return items


def _counts(review: Review, parts: dict[str, str], terms: dict) -> list:
    """Counts per part, the parts with the most open comments first (then in reading order)."""
    rows = reviews.inbox_counts(review)
    for row in rows:
        row.label = parts.get(row.target.key) or part_label(
            row.target.kind, row.target.label, terms
        )
    return sorted(rows, key=lambda row: -row.counts["open"])


# --- the inbox ------------------------------------------------------------------------------------


class InboxFilters(CleanTextMixin, forms.Form):
    part = forms.ChoiceField(label="Part of the draft", required=False)
    category = forms.ChoiceField(label="Stakeholder group", required=False)
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *STATES])
    source = forms.ChoiceField(
        label="From", required=False, choices=[("", "Team and public"), *SOURCES]
    )

    def __init__(self, *args, parts: dict[str, str], categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [("", "Every part"), *parts.items()]
        self.fields["category"].choices = [
            ("", "Every group"),
            *((name, name) for name in categories),
        ]

    def chosen(self) -> dict[str, str]:
        """The filters that are valid (a stale or mistyped one is shown with its error and
        left out)."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in ("part", "category", "state", "source")
            if self.cleaned_data.get(name)
        }


@members_only
@require_GET
def inbox(request: HttpRequest, engagement_id: UUID, number: int) -> HttpResponse:
    access, version = access_version(request, engagement_id, number, need=Can.TRIAGE)
    review = _review(version)
    terms = access.engagement.terms
    parts = _parts(version, terms)
    filters = InboxFilters(request.GET or None, parts=parts, categories=reviews.categories(review))
    chosen = filters.chosen() if request.GET else {}
    found = reviews.inbox(
        review,
        key=chosen.get("part", ""),
        category=chosen.get("category", ""),
        state=chosen.get("state", ""),
        source=chosen.get("source", ""),
    )
    context = {
        "engagement": access.engagement,
        "version": version,
        "review": review,
        "review_state": Review.State(review.state).label,
        "counts": _counts(review, parts, terms),
        "filters": filters,
        "filtered": bool(chosen),
        "items": _label_items(found, parts, terms),
        "here": request.get_full_path(),
    }
    return TemplateResponse(request, "planning/triage/inbox.html", context)


# --- one decision -------------------------------------------------------------------------------


def _working_copy_choices(engagement, comment: Comment) -> tuple[list, dict]:
    """The working copy's elements for "what was changed", grouped as the plan page shows them;
    and value → (kind, id, label) for the service. A part the comment is already linked to stays
    a choice after it left the working copy, so saving again does not lose the link."""
    terms = engagement.terms
    tree = selectors.plan_tree(services.plan_for(engagement))
    found: dict[str, tuple[str, str, str]] = {}

    def option(kind: str, pk, label: str, word: str) -> tuple[str, str]:
        value = f"{kind}:{pk}"
        found[value] = (kind, str(pk), label[:300])
        return value, f"{word}: {label}"

    groups = []
    if tree.values:
        groups.append(("Values", [option("value", v.pk, v.title, "Value") for v in tree.values]))
    if tree.objectives:
        groups.append(
            (
                terms["objectives"],
                [option("objective", o.pk, o.title, terms["objective"]) for o in tree.objectives],
            )
        )
    for goal in tree.goals:
        options = [option("goal", goal.pk, goal.title, terms["goal"])]
        options += [
            option("measure", m.pk, m.indicator, terms["measure"]) for m in goal.measures.all()
        ]
        for strategy in goal.strategies.all():
            options.append(option("strategy", strategy.pk, strategy.title, terms["strategy"]))
            options += [
                option("measure", m.pk, m.indicator, terms["measure"])
                for m in strategy.measures.all()
            ]
        groups.append((f"{terms['goal']}: {goal.title}", options))
    linked = f"{comment.change_kind}:{comment.change_id}"
    if comment.change_id and linked not in found:
        found[linked] = (comment.change_kind, comment.change_id, comment.change_label)
        gone = f"{comment.change_label} (no longer in the working copy)"
        groups.insert(0, ("Linked before", [(linked, gone)]))
    return groups, found


def _duplicate_label(comment: Comment) -> str:
    words = comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"
    return f"{comment.who} on {comment.element_label or 'the whole draft'}: “{words}”"


class TriageForm(CleanTextMixin, forms.Form):
    state = forms.ChoiceField(
        label="Decision",
        choices=Comment.State.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose open, accepted, declined or duplicate."},
    )
    resolution = forms.CharField(
        label="What changed, or your reply",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Needed when you accept (say what changed in the plan) or decline (a short reply "
            "saying why the plan stays as it is). It goes into the resolution log of the "
            "support document."
        ),
    )
    change = forms.ChoiceField(
        label="Part of the working copy that changed",
        required=False,
        help_text="Optional, when you accept: the part you changed, so the log can link to it.",
    )
    duplicate_of = forms.ChoiceField(
        label="Same as",
        required=False,
        help_text="When it is a duplicate: the comment it repeats.",
    )

    def __init__(self, *args, changes: list, duplicates: list[Comment], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change"].choices = [("", "Not linked to a part"), *changes]
        self.fields["duplicate_of"].choices = [
            ("", "Choose a comment"),
            *((str(c.pk), _duplicate_label(c)) for c in duplicates),
        ]


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go back to: the inbox with its filters, given as `next`, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _comment(version, comment_id: UUID) -> Comment:
    comment = (
        Comment.objects.filter(review__version=version, parent__isnull=True)
        .select_related("review", "author__user", "duplicate_of", "triaged_by")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise Http404("No such comment in this draft's review.")
    return comment


def _initial(comment: Comment) -> dict:
    return {
        "state": comment.state,
        "resolution": comment.resolution,
        "change": f"{comment.change_kind}:{comment.change_id}" if comment.change_id else "",
        "duplicate_of": str(comment.duplicate_of_id or ""),
    }


def _decide(request, comment: Comment, form: TriageForm, found: dict, others: dict) -> None:
    """Run the decision through the service; its refusals land next to their fields."""
    data = form.cleaned_data
    try:
        review_services.comment_triage(
            comment=comment,
            by=request.user,
            state=data["state"],
            resolution=data["resolution"],
            change=found.get(data["change"]),
            duplicate_of=others.get(data["duplicate_of"]),
        )
    except ValidationError as refusal:
        if hasattr(refusal, "error_dict"):
            for name, errors in refusal.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, refusal)


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def triage(request: HttpRequest, engagement_id: UUID, number: int, comment_id: UUID):
    access, version = access_version(request, engagement_id, number, need=Can.TRIAGE)
    comment = _comment(version, comment_id)
    inbox_url = reverse("planning:inbox", args=[access.engagement.pk, number])
    back = _safe_next(request, inbox_url)
    changes, found = _working_copy_choices(access.engagement, comment)
    duplicates = list(
        Comment.objects.filter(review=comment.review, parent__isnull=True, withdrawn_at=None)
        .exclude(pk=comment.pk)
        .select_related("author__user")
        .order_by("created_at")
    )
    form = TriageForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(comment),
        changes=changes,
        duplicates=duplicates,
    )
    if request.method == "POST" and not comment.is_withdrawn and form.is_valid():
        _decide(request, comment, form, found, {str(c.pk): c for c in duplicates})
        if not form.errors:
            news = f"Marked {comment.get_state_display().lower()}: {comment.who}’s comment."
            if request.htmx:
                return _item_answer(request, access, version, comment, back, news)
            messages.success(request, news)
            return redirect(back if "#" in back else f"{back}#comment-{comment.pk}")
    terms = access.engagement.terms
    context = {
        "engagement": access.engagement,
        "version": version,
        "review": comment.review,
        "comment": comment,
        "part": part_label(comment.element_kind, comment.element_label, terms),
        "form": form,
        "next": back,
        "inbox_url": inbox_url,
    }
    if request.htmx:  # the form in the item's place; after an error, back in the same place
        response = TemplateResponse(request, "planning/triage/_decide.html", context)
        response["HX-Retarget"] = f"#decide-{comment.pk}"
        response["HX-Reswap"] = "innerHTML"
        return response
    status = 400 if form.errors or (request.method == "POST" and comment.is_withdrawn) else 200
    replies = comment.replies.select_related("author__user").order_by("created_at")
    context["replies"] = list(replies)
    return TemplateResponse(request, "planning/triage/decide.html", context, status=status)


def _item_answer(request, access, version, comment, back: str, news: str) -> HttpResponse:
    """After an htmx decision: the item as the inbox shows it, and the counts afresh."""
    terms = access.engagement.terms
    parts = _parts(version, terms)
    comment.reply_count = comment.replies.count()
    context = {
        "engagement": access.engagement,
        "version": version,
        "item": _label_items([comment], parts, terms)[0],
        "counts": _counts(comment.review, parts, terms),
        "here": back,
        "announce": news,
        "oob": True,
    }
    return TemplateResponse(request, "planning/triage/_item.html", context)
