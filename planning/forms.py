"""Forms for the plan page: the statements, and one form per kind of element. Labels follow the
engagement's terminology."""

from django import forms
from django.db.models import F

from engagements.models import Membership
from engagements.text import CleanTextMixin

from .models import ActionStep, Goal, Measure, Objective, Plan, Strategy, Value

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def limit_length(field: forms.Field, label: str) -> None:
    """The field's length limit (its model's; CleanTextMixin says it in the help text, with no
    maxlength attribute) refused in words that name the field."""
    limit = field.max_length
    message = f"Keep the {label} to {limit} characters at most: it has %(show_value)s. Shorten it."
    field.error_messages["max_length"] = message


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.full_name or obj.user.email


class StatementsForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = [*Plan.STATEMENTS, "use_objectives", "max_goals", "max_strategies_per_goal"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Plan.STATEMENTS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Plan.STATEMENT_MAX_LENGTHS:
            limit_length(self.fields[name], str(Plan._meta.get_field(name).verbose_name))


class ElementForm(CleanTextMixin, forms.ModelForm):
    """Base: the plan's terms for labels, the team for owners, the plan's objectives."""

    def __init__(self, *args, engagement, plan, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"] = OwnerField(
                queryset=Membership.objects.filter(engagement=engagement)
                .select_related("user")
                .order_by("user__full_name"),
                required=False,
                label="Owner",
                empty_label="No owner yet",
            )
        if "objective" in self.fields:
            if plan.use_objectives:
                self.fields["objective"].queryset = plan.objectives.all()
                self.fields["objective"].label = engagement.term("objective")
            else:
                del self.fields["objective"]
        for name in ("title",):
            if name in self.fields:
                self.fields[name].error_messages["required"] = "Give it a title."


class ValueForm(ElementForm):
    class Meta:
        model = Value
        fields = ["title", "description"]
        labels = {"title": "Value, belief or commitment"}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["description"], "description")


class ObjectiveForm(ElementForm):
    class Meta:
        model = Objective
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class GoalForm(ElementForm):
    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "objective",
            "specific_outcome",
            "measured_by",
            "target",
            "owner",
            "target_date",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "specific_outcome": forms.Textarea(attrs={"rows": 2}),
            "target_date": DATE,
        }


class StrategyForm(ElementForm):
    class Meta:
        model = Strategy
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class MeasureForm(ElementForm):
    class Meta:
        model = Measure
        fields = [
            "indicator",
            "data_source",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "unit",
            "direction",
            "frequency",
        ]
        widgets = {"baseline_date": DATE, "target_date": DATE}
        error_messages = {"indicator": {"required": "Say what is measured."}}


class ActionStepForm(ElementForm):
    class Meta:
        model = ActionStep
        fields = [
            "description",
            "stage",
            "owner",
            "start_date",
            "due_date",
            "plan_year",
            "resources_people",
            "resources_time",
            "resources_money",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "start_date": DATE,
            "due_date": DATE,
            "plan_year": forms.NumberInput(attrs={"min": 1, "max": 10, "inputmode": "numeric"}),
        }
        error_messages = {
            "description": {"required": "Say what will be done."},
            "plan_year": {"invalid": "Give the plan year as a whole number, such as 1 or 2."},
        }


FORMS = {
    "value": ValueForm,
    "objective": ObjectiveForm,
    "goal": GoalForm,
    "strategy": StrategyForm,
    "measure": MeasureForm,
    "action_step": ActionStepForm,
}


class MoveForm(CleanTextMixin, forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class StrategyGoalForm(CleanTextMixin, forms.Form):
    """The goal a strategy moves under: one menu of the plan's goals in the plan's order, shown
    for one strategy at a time (a menu per strategy made a big plan's page grow with its square)."""

    goal = forms.ModelChoiceField(queryset=Goal.objects.none(), empty_label=None)

    def __init__(self, *args, engagement, plan, **kwargs):
        super().__init__(*args, **kwargs)
        goals = engagement.term("goals").lower()
        field = self.fields["goal"]
        field.label = f"Move to this {engagement.term('goal').lower()}"
        field.error_messages["invalid_choice"] = f"Choose one of this plan’s {goals}."
        field.error_messages["required"] = f"Choose one of this plan’s {goals}."
        order = ("position", "created_at")
        if plan.use_objectives:  # the plan page's order: each objective's goals, then the rest
            order = (F("objective__position").asc(nulls_last=True), "objective__created_at", *order)
        field.queryset = plan.goals.order_by(*order)


class UseSourceForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[("value", "Value"), ("goal", "Goal"), ("strategy", "Strategy")]
    )
    goal = forms.UUIDField(required=False)
