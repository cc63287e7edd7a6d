"""A saved draft's review, for members: publishing it (the facilitator), reading it with a comment
thread under every part, commenting and replying (in place with htmx, or as plain forms), changing
a comment for 15 minutes or withdrawing it, and managing the review (closing day, closing early,
the public feedback link).

The reading view is drawn from the draft's snapshot and the review's comments: the same few
queries whatever the size of the plan or the number of comments.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from engagements.access import Access, Can, access_version, members_only
from engagements.text import CleanTextMixin
from engagements.views.confirm import confirm_page

from ..diff import STATEMENTS
from ..forms import DATE
from ..models import Comment, PlanVersion, Review
from ..selectors.review import WHOLE, Target, comments_by_target, targets
from ..selectors.snapshot import owner_names, snapshot
from ..services import review as reviews

PAGE = "planning/review/review.html"
THREAD = "planning/review/_thread.html"
LINK_KEY = "review-public-link:{review_id}"  # the new public link, kept until shown once
TOO_LATE = "Comments can be changed for 15 minutes after they are written. Add a reply to say more."


def _day(value) -> str:
    return date_format(value, "M j, Y")


# --- forms ----------------------------------------------------------------------------------------

DATE_ERRORS = {"required": "Choose a day.", "invalid": "Enter a date, for example 2027-03-01."}


class PublishForm(CleanTextMixin, forms.Form):
    opens_on = forms.DateField(
        label="Opens on",
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text="Members and the public link can comment from this day on.",
    )
    closes_on = forms.DateField(
        label="Closes on",
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text="Comments are taken until the end of this day; then the review closes itself.",
    )
    public_link = forms.BooleanField(
        label="Make a public feedback link",
        required=False,
        help_text="Anyone holding the link reads this draft and leaves feedback without an "
        "account, for example parents and community members. You share the link yourself.",
    )
    public_buy_in = forms.BooleanField(
        label="Public visitors may answer the buy-in check",
        required=False,
        help_text="Otherwise only team members answer it.",
    )


class ClosingForm(CleanTextMixin, forms.Form):
    closes_on = forms.DateField(label="Closes on", widget=DATE, error_messages=DATE_ERRORS)


class CommentForm(CleanTextMixin, forms.Form):
    """The rules (something written, at most 2,000 characters, an existing part) are the
    service's, so that its words reach the reader next to the field."""

    element = forms.CharField(required=False, max_length=100)
    # A textarea on the page (rendered by hand): its line breaks are kept.
    body = forms.CharField(label="Your comment", required=False, strip=False, widget=forms.Textarea)


class EditForm(CleanTextMixin, forms.Form):
    body = forms.CharField(
        label="Your comment",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": reviews.BODY_MAX}),
    )


# --- the reading view ---------------------------------------------------------------------------


@dataclass
class Part:
    """A commentable part of the draft with its thread, and a form that came back with errors."""

    target: Target
    comments: list[Comment] = field(default_factory=list)
    form: CommentForm | None = None

    @property
    def anchor(self) -> str:
        return "comments-" + self.target.key.replace(":", "-")

    @property
    def count(self) -> int:
        return sum(1 + len(comment.thread_replies) for comment in self.comments)


def _mark(comment: Comment, membership, now, open_: bool) -> None:
    """What the reader may do with a comment (templates cannot call methods with arguments)."""
    mine = comment.author_id == membership.pk and not comment.is_withdrawn
    comment.changeable = open_ and comment.editable_by(membership, now)
    comment.withdrawable = mine and (
        comment.parent_id is not None or comment.state == Comment.State.OPEN
    )


def _parts(review: Review, membership) -> dict[str, Part]:
    """Every commentable part of the draft, keyed by Target.key, with its comments."""
    threads = comments_by_target(review)
    now, open_ = timezone.now(), review.is_open
    parts = {}
    for target in targets(review.version.data):
        comments = threads.get(target.key, [])
        for comment in comments:
            comment.thread_replies = list(comment.replies.all())
            for item in (comment, *comment.thread_replies):
                _mark(item, membership, now, open_)
        parts[target.key] = Part(target, comments)
    return parts


def _reading(data: dict, parts: dict[str, Part]) -> dict:
    """The draft as the page shows it (views/drafts.py's snapshot), each part with its thread."""
    plan = snapshot(data, owner_names(data))
    source = data.get("plan", {})
    plan["statement_parts"] = [
        (label, source[name], parts.get(f"statement:{name}"))
        for name, label in STATEMENTS
        if source.get(name)
    ]
    plan["values"] = [{**v, "part": parts.get(f"value:{v['id']}")} for v in plan["values"]]
    for objective in plan["objectives"]:
        objective["part"] = parts.get(f"objective:{objective['id']}")
    for goal in plan["goals"]:
        goal["part"] = parts.get(f"goal:{goal['id']}")
        for strategy in goal["strategies"]:
            strategy["part"] = parts.get(f"strategy:{strategy['id']}")
        for measure in goal["measures"] + [m for s in goal["strategies"] for m in s["measures"]]:
            measure["part"] = parts.get(f"measure:{measure['id']}")
    return plan


def _review_of(version: PlanVersion) -> Review:
    review = Review.objects.filter(version=version).first()
    if review is None:
        raise Http404("This draft has not been published for review.")
    review.version = version  # already loaded, with its plan
    return review


def _base(access: Access, version: PlanVersion, review: Review) -> dict:
    state = review.state
    return {
        "engagement": access.engagement,
        "terms": access.engagement.terms,
        "version": version,
        "review": review,
        "state": state,
        "can_comment": state == Review.State.OPEN and access.can(Can.COMMENT),
    }


def _page(request, access, version, review, *, parts=None, status=200) -> TemplateResponse:
    parts = parts or _parts(review, access.membership)
    context = {
        **_base(access, version, review),
        "plan": _reading(version.data, parts),
        "whole": parts[WHOLE],
        "can_buy_in": access.can(Can.ANSWER_BUY_IN),
        "can_triage": access.can(Can.TRIAGE),
        "can_manage": access.can(Can.PUBLISH_REVIEW),
        "edit_window": int(Comment.EDIT_WINDOW.total_seconds() // 60),
    }
    return TemplateResponse(request, PAGE, context, status=status)


@members_only
@require_GET
def review(request: HttpRequest, engagement_id: UUID, number: int) -> HttpResponse:
    access, version = access_version(request, engagement_id, number, need=Can.READ_DRAFTS)
    return _page(request, access, version, _review_of(version))


# --- comments -----------------------------------------------------------------------------------


def _review_url(engagement_id, number: int, anchor: str = "") -> str:
    url = reverse("planning:review", args=[engagement_id, number])
    return f"{url}#{anchor}" if anchor else url


def _parent(request: HttpRequest, review: Review) -> Comment | None:
    """The thread replied to, from the `parent` field: a comment of this review (else 404); a
    reply to a reply joins the same thread."""
    parent_id = request.POST.get("parent", "")
    if not parent_id:
        return None
    try:
        found = Comment.objects.select_related("parent").get(pk=UUID(parent_id), review=review)
    except (ValueError, Comment.DoesNotExist) as missing:
        raise Http404("No such comment in this review.") from missing
    return found.parent or found


def _with_form(parts: dict[str, Part], key: str, form, parent) -> Part:
    """The part a comment was for, its form (the part's, or the reply form of the thread
    replied to) carrying the one that came back with errors."""
    part = parts.get(key) or parts[WHOLE]
    holder = next((c for c in part.comments if parent and c.pk == parent.pk), part)
    holder.form = form
    return part


def _thread_answer(request, access, version, review, part: Part, **extra) -> TemplateResponse:
    """One part's thread for htmx: after a comment, or in place with the errors, words kept."""
    context = {**_base(access, version, review), "part": part, **extra}
    response = TemplateResponse(request, THREAD, context)
    response["HX-Retarget"] = f"#{part.anchor}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _refused(request, access, version, review, form, key: str, parent) -> TemplateResponse:
    """A comment that was not taken: in place for htmx, else the page again (400), words kept."""
    parts = _parts(review, access.membership)
    part = _with_form(parts, key, form, parent)
    if request.htmx:
        errors = [str(e) for errors in form.errors.values() for e in errors]
        announce = "Your comment was not sent. " + " ".join(errors)
        return _thread_answer(request, access, version, review, part, announce=announce)
    return _page(request, access, version, review, parts=parts, status=400)


@members_only
@require_POST
@vary_on_headers("HX-Request")
def comment_add(request: HttpRequest, engagement_id: UUID, number: int) -> HttpResponse:
    access, version = access_version(request, engagement_id, number, need=Can.COMMENT)
    review = _review_of(version)
    parent = _parent(request, review)
    form = CommentForm(request.POST)
    form.is_valid()  # every field is optional here: the service has the rules
    key = form.cleaned_data.get("element") or WHOLE
    if parent is not None:
        key = Target(parent.element_kind, parent.element_id, "").key
    kind, _, element_id = key.partition(":")
    try:
        comment = reviews.comment_add(
            review=review,
            membership=access.membership,
            body=form.cleaned_data.get("body", ""),
            element_kind=kind,
            element_id=element_id,
            parent=parent,
        )
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _refused(request, access, version, review, form, key, parent)
    news = "Your reply is added." if parent else "Your comment is added."
    if request.htmx:
        part = _parts(review, access.membership).get(key)
        return _thread_answer(request, access, version, review, part, announce=news)
    messages.success(request, news)
    return redirect(_review_url(engagement_id, number, f"comment-{comment.pk}"))


def _comment(request, engagement_id: UUID, number: int, comment_id: UUID):
    """A comment of this draft's review, in this engagement (404 otherwise), and its author's
    membership check (403 for anyone else)."""
    access, version = access_version(request, engagement_id, number, need=Can.COMMENT)
    scope = Comment.objects.filter(review__version__plan__engagement=access.engagement)
    comment = get_object_or_404(scope.select_related("review"), pk=comment_id)
    if comment.review.version_id != version.pk:
        raise Http404("No such comment in this draft's review.")
    if comment.author_id is None or comment.author_id != access.membership.pk:
        raise PermissionDenied("Only the person who wrote a comment can change or withdraw it.")
    comment.review.version = version
    return access, version, comment


def _not_editable(comment: Comment, review: Review) -> str:
    if comment.is_withdrawn:
        return "This comment was withdrawn."
    if not review.is_open:
        return "This review is closed: comments are no longer changed."
    return TOO_LATE


@members_only
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, engagement_id: UUID, number: int, comment_id: UUID):
    access, version, comment = _comment(request, engagement_id, number, comment_id)
    back = _review_url(engagement_id, number, f"comment-{comment.pk}")
    if not (comment.editable_by(access.membership) and comment.review.is_open):
        messages.error(request, _not_editable(comment, comment.review))
        return redirect(back)
    form = EditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        try:
            reviews.comment_edit(comment=comment, membership=access.membership, body=body)
        except ValidationError as refusal:
            if not hasattr(refusal, "error_dict"):  # the window closed meanwhile
                messages.error(request, refusal.messages[0])
                return redirect(back)
            form.add_error(None, refusal)
        else:
            messages.success(request, "Your comment is changed.")
            return redirect(back)
    context = {"engagement": access.engagement, "version": version, "comment": comment}
    context.update(form=form, back=back, until=comment.editable_until())
    status = 400 if form.errors else 200
    return TemplateResponse(request, "planning/review/edit.html", context, status=status)


@members_only
@require_http_methods(["GET", "POST"])
def comment_withdraw(request: HttpRequest, engagement_id: UUID, number: int, comment_id: UUID):
    access, _, comment = _comment(request, engagement_id, number, comment_id)
    back = _review_url(engagement_id, number, f"comment-{comment.pk}")
    if comment.is_withdrawn:
        messages.info(request, "You have already withdrawn this comment.")
        return redirect(back)
    if request.method == "GET":
        return confirm_page(
            request,
            title="Withdraw your comment?",
            message="It stays in its thread marked “Withdrawn by its author”, with its words "
            "hidden, and the team will not answer it. This cannot be undone.",
            confirm_label="Withdraw the comment",
            cancel_url=back,
        )
    try:
        reviews.comment_withdraw(comment=comment, membership=access.membership)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(request, "Your comment is withdrawn.")
    return redirect(back)


# --- publishing and managing the review -----------------------------------------------------------


def _manage_url(engagement_id, number: int) -> str:
    return reverse("planning:review-manage", args=[engagement_id, number])


@members_only
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, engagement_id: UUID, number: int) -> HttpResponse:
    access, version = access_version(request, engagement_id, number, need=Can.PUBLISH_REVIEW)
    if Review.objects.filter(version=version).exists():
        messages.info(request, f"Draft {number} is already published for review.")
        return redirect(_manage_url(engagement_id, number))
    refusal = reviews.publish_refusal(version)
    if refusal:
        messages.error(request, refusal)
        return redirect("planning:draft", engagement_id=engagement_id, number=number)
    today = timezone.localdate()
    initial = {"opens_on": today, "closes_on": today + timedelta(days=14)}
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review, token = reviews.review_publish(
                version=version, by=request.user, **form.cleaned_data
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            if token:
                request.session[LINK_KEY.format(review_id=review.pk)] = token
            messages.success(
                request, f"Draft {number} is published for review; the team is told by e-mail."
            )
            return redirect(_manage_url(engagement_id, number))
    context = {"engagement": access.engagement, "version": version, "form": form}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "planning/review/publish.html", context, status=status)


CONFIRM = {
    "close": (
        "Close the review of draft {number} now?",
        "Members can no longer comment and the public link says the review is closed. The "
        "comments stay for the team to answer. This cannot be undone: to hear from people "
        "again, publish a new draft.",
        "Close the review",
    ),
    "new-link": (
        "Make a new public link?",
        "The link you shared before stops working at once: whoever opens it is told it no "
        "longer works. Share the new link instead. Feedback already left stays.",
        "Make a new link",
    ),
    "first-link": (
        "Make a public link?",
        "Anyone holding the link reads draft {number} and leaves feedback without an account "
        "while the review is open. The link is shown to you once, right after.",
        "Make the link",
    ),
    "revoke-link": (
        "Turn off the public link?",
        "Nobody can read the draft or leave feedback through the link any more. Feedback "
        "already left stays. You can make a new link later while the review is open.",
        "Turn off the link",
    ),
}


def _confirm(request: HttpRequest, review: Review, action: str) -> TemplateResponse:
    """The confirmation page before closing the review or changing its public link; its form
    posts back to the same address, `action` included."""
    if action == "new-link" and not review.has_public_link:
        action = "first-link"
    title, message, label = CONFIRM[action]
    number = review.version.number
    return confirm_page(
        request,
        title=title.format(number=number),
        message=message.format(number=number),
        confirm_label=label,
        cancel_url=_manage_url(review.version.plan.engagement_id, number),
    )


def _manage_act(request: HttpRequest, review: Review, action: str, form: ClosingForm) -> bool:
    """Carry out one action of the manage page; True when done (or refused with a message),
    False when the closing-day form has errors to show."""
    number = review.version.number
    try:
        if action == "closes_on":
            if not form.is_valid():
                return False
            reviews.review_change_dates(review=review, by=request.user, **form.cleaned_data)
            news = f"The review now closes at the end of {_day(review.closes_on)}."
        elif action == "close":
            closed = reviews.review_close(review=review, by=request.user)
            news = (
                f"The review of draft {number} is closed." if closed else "It was closed already."
            )
        elif action == "new-link":
            token = reviews.public_link_make(review=review, by=request.user)
            request.session[LINK_KEY.format(review_id=review.pk)] = token
            news = "A new public link is made: copy it below."
        elif action == "revoke-link":
            reviews.public_link_revoke(review=review, by=request.user)
            news = "The public link is turned off."
        else:
            raise ValidationError("Choose what to do with the review.")
    except ValidationError as refusal:
        if action == "closes_on" and hasattr(refusal, "error_dict"):
            form.add_error(None, refusal)
            return False
        messages.error(request, refusal.messages[0])
        return True
    messages.success(request, news)
    return True


@members_only
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, engagement_id: UUID, number: int) -> HttpResponse:
    access, version = access_version(request, engagement_id, number, need=Can.PUBLISH_REVIEW)
    review = Review.objects.filter(version=version).first()
    if review is None:
        return redirect("planning:publish", engagement_id=engagement_id, number=number)
    review.version = version
    action = request.POST.get("action") or request.GET.get("action", "")
    if request.method == "GET" and action in CONFIRM:
        return _confirm(request, review, action)
    form = ClosingForm(
        request.POST if action == "closes_on" else None, initial={"closes_on": review.closes_on}
    )
    if request.method == "POST" and _manage_act(request, review, action, form):
        return redirect(_manage_url(engagement_id, number))
    token = request.session.pop(LINK_KEY.format(review_id=review.pk), None)
    public_url = (
        request.build_absolute_uri(reverse("planning:public-review", args=[token])) if token else ""
    )
    context = {**_base(access, version, review), "form": form, "public_url": public_url}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "planning/review/manage.html", context, status=status)
