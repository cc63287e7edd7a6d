"""Forms for listening: the survey builder, invitations, the answering form (with the public
forms' spam checks), listening sessions and their comments."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from engagements.public_forms import MAX_LINKS, GuardedForm, too_many_links
from engagements.text import CleanTextMixin

from .models import PPRA_TOPICS, SCALE, ListeningSession, Question, Respondent, Survey
from .services import ANSWER_MAX

EMAIL_MAX = Respondent._meta.get_field("email").max_length
NAME_MAX = Respondent._meta.get_field("name").max_length

NO_GROUP_CHOICE = "none"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "introduction", "opens_on", "closes_on"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "opens_on": DATE,
            "closes_on": DATE,
        }
        help_texts = {
            "introduction": "Shown above the questions: why you ask, how long it takes, and "
            "that answers are read without names.",
            "opens_on": "Optional. Before this day the survey link says it is not open yet.",
            "closes_on": "Optional. After this day no more answers are taken.",
        }
        error_messages = {"title": {"required": "Give the survey a title."}}


class QuestionForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of question", choices=Question.Kind.choices)
    text = forms.CharField(
        label="Question",
        max_length=500,
        error_messages={"required": "Write the question."},
    )
    choices = forms.CharField(
        label="Choices (one per line)",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only for “Choose one” questions: at least two.",
    )
    required = forms.BooleanField(label="An answer is required", required=False)
    ppra_topics = forms.MultipleChoiceField(
        label="Protected topics this question touches (US PPRA)",
        choices=PPRA_TOPICS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any that apply. Students may need written parental consent to answer.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Question.Kind.CHOICE:
            lines = [line for line in cleaned.get("choices", "").splitlines() if line.strip()]
            if len(lines) < 2:
                self.add_error("choices", "Give at least two choices, one per line.")
        return cleaned

    def choice_list(self) -> list[str]:
        return self.cleaned_data.get("choices", "").splitlines()


class InviteForm(CleanTextMixin, forms.Form):
    people = forms.CharField(
        label="People to invite",
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One person a line: a name, a comma, then an e-mail address "
        "(“Ana Ruiz, ana@example.org”), or just the address.",
        error_messages={
            "required": "Add at least one e-mail address.",
            "max_length": "That list is too long: invite at most 500 people at a time.",
        },
    )

    def clean_people(self) -> list[tuple[str, str]]:
        people, problems = [], []
        for number, line in enumerate(self.cleaned_data["people"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _, email = line.rpartition(",")
            email = email.strip()
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"Line {number}: “{email}” is not an e-mail address.")
                continue
            if len(email) > EMAIL_MAX:
                problems.append(
                    f"Line {number}: the address is longer than {EMAIL_MAX} characters."
                )
                continue
            if len(name.strip()) > NAME_MAX:
                problems.append(f"Line {number}: keep the name to {NAME_MAX} characters.")
                continue
            people.append((name.strip(), email))
        if problems:
            raise ValidationError(problems)
        if not people:
            raise ValidationError("Add at least one e-mail address.")
        if len(people) > 500:
            raise ValidationError("Invite at most 500 people at a time.")
        return people


class AnswerForm(GuardedForm):
    """One field per question, and who the person is. Built for a survey; the public link and
    invitations use it, and the builder's preview shows it."""

    def __init__(self, *args, survey: Survey, questions: list[Question], groups, **kwargs):
        super().__init__(*args, scope=survey, **kwargs)
        self.fields["group"] = forms.ChoiceField(
            label="Which group are you part of?",
            help_text="So the team can see what each group of people thinks. Results for a "
            "group are shown only once at least five people of it have answered.",
            choices=[("", "Choose one")]
            + [(str(g.pk), g.name) for g in groups]
            + [(NO_GROUP_CHOICE, "None of these / I’d rather not say")],
            error_messages={
                "required": "Choose the group that fits you best, or “None of these”.",
                "invalid_choice": "Choose a group from the list.",
            },
        )
        self.questions = questions
        self.groups = {str(g.pk): g for g in groups}
        for question in questions:
            self.fields[f"q_{question.pk}"] = _field(question)
        self.order_fields([f"q_{q.pk}" for q in questions] + ["group", "website"])

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = f"q_{question.pk}"
            if question.kind == Question.Kind.OPEN and too_many_links(cleaned.get(name) or ""):
                self.add_error(
                    name,
                    f"Please include no more than {MAX_LINKS} links: answers full of links are "
                    "treated as spam.",
                )
        return cleaned

    @property
    def question_fields(self):
        return [(q, self[f"q_{q.pk}"]) for q in self.questions]

    @property
    def has_required(self) -> bool:
        return any(q.required for q in self.questions)

    def chosen_group(self):
        return self.groups.get(self.cleaned_data["group"])

    def values(self) -> dict:
        return {str(q.pk): self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}

    def add_answer_errors(self, errors: dict) -> None:
        for question_id, messages in errors.items():
            name = f"q_{question_id}" if f"q_{question_id}" in self.fields else None
            self.add_error(name, messages)


def _field(question: Question) -> forms.Field:
    """The form field of one question; a required one says so in its label, before sending."""
    required = {"required": "Please answer this question."}
    label = f"{question.text} (required)" if question.required else question.text
    if question.kind == Question.Kind.CHOICE:
        return forms.ChoiceField(
            label=label,
            choices=[(c, c) for c in question.choices],
            widget=forms.RadioSelect,
            required=question.required,
            error_messages={**required, "invalid_choice": "Choose one of the answers."},
        )
    if question.kind == Question.Kind.SCALE:
        return forms.TypedChoiceField(
            label=label,
            choices=SCALE,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            required=question.required,
            error_messages={**required, "invalid_choice": "Choose a point from 1 to 5."},
        )
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=question.required,
        max_length=ANSWER_MAX,
        error_messages={
            **required,
            "max_length": f"Keep it to {ANSWER_MAX:,} characters: please shorten it.",
        },
    )


class SessionForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ListeningSession
        fields = ["kind", "title", "held_on", "place"]
        widgets = {"held_on": DATE}
        labels = {"kind": "Kind of session"}
        help_texts = {"place": "Optional: a school, a library, “by e-mail”…"}
        error_messages = {"title": {"required": "Give the session a title."}}


class CommentForm(CleanTextMixin, forms.Form):
    text = forms.CharField(
        label="What was said",
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One comment at a time, without the speaker’s name. Enter adds it; "
        "Shift+Enter starts a new line.",
        error_messages={
            "required": "Write the comment before adding it.",
            "max_length": "Keep a comment to 2,000 characters: split a longer one in two.",
        },
    )
    group = forms.ChoiceField(label="Said by someone from", required=False)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {str(g.pk): g for g in groups}
        self.fields["group"].choices = [("", "Not known")] + [(str(g.pk), g.name) for g in groups]

    def chosen_group(self):
        return self.groups.get(self.cleaned_data.get("group") or "")


class RetentionForm(CleanTextMixin, forms.Form):
    contact_retention_days = forms.IntegerField(
        label="Keep respondents’ names and e-mail addresses for (days after a survey closes)",
        required=False,
        min_value=1,
        max_value=3650,
        help_text="Leave empty for the site’s setting.",
        error_messages={
            "invalid": "Write a number of days, like 30.",
            "min_value": "At least 1 day.",
            "max_value": "At most 3650 days (ten years).",
        },
    )
