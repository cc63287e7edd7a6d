"""“Make it a plan measure”: from an indicator's page, choose a goal or a strategy of the working
copy; the measure is added with the indicator's latest value for all students as its baseline."""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from engagements.access import Can, access_object, members_only
from engagements.text import CleanTextMixin
from evidence.models import Indicator
from evidence.selectors import latest_all_students

from .. import services
from ..models import Goal
from ..services.from_evidence import baseline_date, measure_from_indicator, plan_refusal


class MeasureParentForm(CleanTextMixin, forms.Form):
    parent = forms.ChoiceField(
        label="Which goal or strategy does it measure?",
        error_messages={"required": "Choose a goal or a strategy."},
    )

    def __init__(self, *args, goals, strategies, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = {str(g.pk): g for g in goals}
        self.strategies = {str(s.pk): s for s in strategies}
        choices = [("", "Choose one")]
        for goal in goals:
            choices.append((f"goal:{goal.pk}", f"{terms['goal']}: {goal.title}"))
            for strategy in goal.strategies.all():
                choices.append(
                    (f"strategy:{strategy.pk}", f"— {terms['strategy']}: {strategy.title}")
                )
        self.fields["parent"].choices = choices

    def clean_parent(self) -> dict:
        kind, _, pk = self.cleaned_data["parent"].partition(":")
        if kind == "goal" and pk in self.goals:
            return {"goal": self.goals[pk]}
        if kind == "strategy" and pk in self.strategies:
            return {"strategy": self.strategies[pk]}
        raise forms.ValidationError("Choose a goal or a strategy.")


@members_only
@require_http_methods(["GET", "POST"])
def measure_from_indicator_page(
    request: HttpRequest, engagement_id: UUID, indicator_id: UUID
) -> HttpResponse:
    access, indicator = access_object(
        request,
        engagement_id,
        Indicator.objects.prefetch_related("values"),
        indicator_id,
        need=Can.EDIT_PLAN,
    )
    engagement = access.engagement
    plan = services.plan_for(engagement)
    goals = list(Goal.objects.filter(plan=plan).prefetch_related("strategies").order_by("position"))
    strategies = [s for g in goals for s in g.strategies.all()]
    terms = {key: engagement.term(key) for key in ("goal", "strategy", "measure")}
    form = MeasureParentForm(request.POST or None, goals=goals, strategies=strategies, terms=terms)
    refusal = plan_refusal(plan)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            measure = measure_from_indicator(
                plan=plan, indicator=indicator, **form.cleaned_data["parent"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{measure.indicator}” is a measure of the plan now.")
            return redirect(
                reverse("planning:plan", args=[engagement.pk]) + f"#measure-{measure.pk}"
            )
    latest = latest_all_students(indicator)
    context = {
        "engagement": engagement,
        "indicator": indicator,
        "form": form,
        "refusal": refusal,
        "has_goals": bool(goals),
        "latest": latest,
        "baseline_date": baseline_date(latest[0]) if latest else None,
        "terms": terms,
    }
    status = 409 if refusal and request.method == "POST" else 400 if form.errors else 200
    return TemplateResponse(request, "planning/measure_from_indicator.html", context, status=status)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """The service's refusal on the form: by the field it names when the form has it, above the
    form otherwise (the measure's own fields, such as its baseline, are not on this form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
