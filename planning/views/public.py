"""The public review link: anyone holding it reads the draft under review and leaves feedback on
a part of it (and, if the facilitator allows it, answers the buy-in check) without an account.

The link's token is the only key: an unknown or turned-off token is the site's ordinary 404, and
these pages link to nothing but each other, so nothing else of the engagement can be reached
through them. Every answer is kept out of search engines and shared caches, and sends no
Referer (which would carry the token) to any other site.
"""

import re

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from engagements.access import public
from engagements.models import DEFAULT_TERMINOLOGY, StakeholderGroup
from engagements.public_forms import private_page, too_many

from .. import diff, throttle
from ..models import Review
from ..public_forms import BuyInForm, FeedbackForm, target_choices
from ..selectors.review import WHOLE, targets
from ..selectors.snapshot import snapshot
from ..services.review import buy_in_submit, feedback_add, review_for_token

# Each with the word that marks a group standing for it already ("Other" always stays).
PLAIN_CATEGORIES = (
    ("Parent or guardian", "parent"),
    ("Student", "student"),
    ("Staff member", "staff"),
    ("Community member", "community"),
    ("Other", None),
)
BUY_IN_SESSION_KEY = "public-buy-in:{review_id}"


def _review(token: str) -> Review:
    review = review_for_token(token)
    if review is None:
        raise Http404("No such page.")
    return review


def _terms(review: Review) -> dict[str, str]:
    """The words the draft was written in, else the engagement's words today."""
    saved = review.version.data.get("terminology") or {}
    engagement = review.version.plan.engagement
    return {key: saved.get(key) or engagement.term(key) for key in DEFAULT_TERMINOLOGY}


def _context(review: Review, token: str, **extra) -> dict:
    engagement = review.version.plan.engagement
    return {
        "review": review,
        "token": token,
        "organization": engagement.organization.name,
        "engagement_name": engagement.name,
        "terms": _terms(review),
        **extra,
    }


def _stems(name: str) -> set[str]:
    """The words of a name, lower case and without a plural s: “Parents and guardians” →
    {"parent", "and", "guardian"}."""
    return {word.removesuffix("s") for word in re.findall(r"\w+", name.casefold())}


def _categories(review: Review) -> list[str]:
    """The engagement's stakeholder groups, then the plain choices no group already stands for:
    a group called “Staff” or “Parents” leaves out “Staff member” or “Parent or guardian”."""
    groups = StakeholderGroup.objects.filter(engagement_id=review.version.plan.engagement_id)
    names, seen, words = [], set(), set()
    for name in groups.values_list("name", flat=True):
        if name.strip() and name.strip().casefold() not in seen:
            seen.add(name.strip().casefold())
            names.append(name.strip())
            words |= _stems(name)
    for name, key in PLAIN_CATEGORIES:
        if key not in words and name.casefold() not in seen:
            names.append(name)
    return names


def _not_open(request: HttpRequest, review: Review, token: str) -> HttpResponse:
    """A review not open yet, or closed: say when, kindly."""
    closed_on = timezone.localdate(review.closed_at) if review.closed_at else review.closes_on
    context = _context(review, token, state=review.state, closed_on=closed_on)
    return TemplateResponse(request, "planning/public/state.html", context)


def _refuse(form, refusal: ValidationError) -> None:
    """A service's refusal shown next to the field it is about, or above the form."""
    fields = {"element": "on", "body": "body", "category": "category", "commits": "commits"}
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal)
        return
    for name, errors in refusal.error_dict.items():
        form.add_error(fields.get(name), errors)


# --- reading the draft ----------------------------------------------------------------------------


def _numbered(plan: dict) -> dict:
    """Numbers the goals in the order the page shows them (under their objectives, if any)."""
    if plan["use_objectives"]:
        shown = [g for o in plan["objectives"] for g in o["goals"]] + plan["loose_goals"]
    else:
        shown = plan["goals"]
    for number, goal in enumerate(shown, start=1):
        goal["number"] = number
    return plan


@public
@require_GET
@private_page
def read(request: HttpRequest, token: str) -> HttpResponse:
    review = _review(token)
    if not review.is_open:
        return _not_open(request, review, token)
    data = review.version.data
    statements = [
        (name, label, data["plan"][name])
        for name, label in diff.STATEMENTS
        if data.get("plan", {}).get(name)
    ]
    context = _context(review, token, plan=_numbered(snapshot(data)), statements=statements)
    return TemplateResponse(request, "planning/public/read.html", context)


# --- feedback -------------------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
@private_page(referrer="same-origin")
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    review = _review(token)
    if request.method == "GET" and not review.is_open:
        return _not_open(request, review, token)
    choices = target_choices(targets(review.version.data), _terms(review))
    keys = {key for key, _ in choices}
    on = request.GET.get("on", WHOLE)
    form = FeedbackForm(
        request.POST or None,
        review=review,
        targets=choices,
        categories=_categories(review),
        initial={"on": on if on in keys else WHOLE},
    )
    status = 200
    if request.method == "POST":
        if form.is_bot:
            return redirect("planning:public-thanks", token=token)
        status = _send_feedback(request, review, form)
        if status is None:
            return redirect("planning:public-thanks", token=token)
    context = _context(review, token, form=form)
    return TemplateResponse(request, "planning/public/feedback.html", context, status=status)


def _send_feedback(request: HttpRequest, review: Review, form: FeedbackForm) -> int | None:
    """Stores valid feedback (None) or says why not (the status to answer with)."""
    if not form.is_valid():
        return 400
    wait = throttle.wait_seconds(request, throttle.FEEDBACK)
    if wait:
        too_many(form, wait)
        return 429
    kind, _, element_id = form.cleaned_data["on"].partition(":")
    try:
        feedback_add(
            review=review,
            body=form.cleaned_data["body"],
            category=form.cleaned_data["category"],
            element_kind=kind,
            element_id=element_id,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
        )
    except ValidationError as refusal:
        _refuse(form, refusal)
        return 400
    return None


@public
@require_GET
@private_page
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    review = _review(token)
    return TemplateResponse(request, "planning/public/thanks.html", _context(review, token))


# --- the buy-in check -----------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
@private_page(referrer="same-origin")
def buy_in(request: HttpRequest, token: str) -> HttpResponse:
    review = _review(token)
    if not review.public_buy_in:
        raise Http404("No such page.")
    if not review.is_open:
        return _not_open(request, review, token)
    session_key = BUY_IN_SESSION_KEY.format(review_id=review.pk)
    if request.session.get(session_key):
        return TemplateResponse(
            request, "planning/public/buy_in.html", _context(review, token, answered=True)
        )
    terms = _terms(review)
    goals = [(g["id"], f"{terms['goal']} {n}: {g['title']}") for n, g in _goal_order(review)]
    form = BuyInForm(
        request.POST or None, review=review, goals=goals, categories=_categories(review)
    )
    status = 200
    if request.method == "POST" and goals:
        if form.is_bot:
            request.session[session_key] = "0"
            return redirect("planning:public-buy-in", token=token)
        status = _send_buy_in(request, review, form)
        if status is None:
            return redirect("planning:public-buy-in", token=token)
    context = _context(review, token, form=form, has_goals=bool(goals))
    return TemplateResponse(request, "planning/public/buy_in.html", context, status=status)


def _goal_order(review: Review) -> list[tuple[int, dict]]:
    """The draft's goals numbered as the reading page numbers them."""
    plan = _numbered(snapshot(review.version.data))
    return sorted(((goal["number"], goal) for goal in plan["goals"]), key=lambda n: n[0])


def _send_buy_in(request: HttpRequest, review: Review, form: BuyInForm) -> int | None:
    if not form.is_valid():
        return 400
    wait = throttle.wait_seconds(request, throttle.BUY_IN)
    if wait:
        too_many(form, wait)
        return 429
    try:
        response = buy_in_submit(
            review=review,
            support=form.support(),
            commits=form.cleaned_data["commits"],
            category=form.cleaned_data["category"],
        )
    except ValidationError as refusal:
        _refuse(form, refusal)
        return 400
    request.session[BUY_IN_SESSION_KEY.format(review_id=review.pk)] = str(response.pk)
    return None
