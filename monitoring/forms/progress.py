"""The progress page's filters: a plain GET form (works without JavaScript)."""

from django import forms

from engagements.text import CleanTextMixin

from ..selectors.progress import STATUS_CHOICES


class ProgressFilterForm(CleanTextMixin, forms.Form):
    """Filters by goal, owner and status; the goals and owners are the approved plan's."""

    goal = forms.ChoiceField(label="Goal", required=False)
    owner = forms.ChoiceField(label="Owner", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *STATUS_CHOICES]
    )

    def __init__(self, data, *, goals, owners):
        super().__init__(data)
        self.fields["goal"].choices = [("", "Every goal")] + [
            (goal.id, goal.goal.get("title") or "Untitled goal") for goal in goals
        ]
        self.fields["owner"].choices = [("", "Anyone")] + list(owners)
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"filter-{name}"
            field.error_messages["invalid_choice"] = (
                "This choice is not in the approved plan; showing everything instead."
            )

    def chosen(self) -> dict:
        """The filters to apply: the valid ones (an unknown value is ignored, and said)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in ("goal", "owner", "status")}
