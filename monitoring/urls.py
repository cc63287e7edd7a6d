"""Living the plan's pages, under an engagement."""

from django.urls import path

from .views import actions

app_name = "monitoring"

urlpatterns: list = [
    # --- action progress (issue 14 item 5) ---
    path(
        "engagements/<uuid:engagement_id>/living/actions/",
        actions.action_steps,
        name="action-steps",
    ),
    path(
        "engagements/<uuid:engagement_id>/living/actions/<uuid:step_id>/",
        actions.action_step,
        name="action-step",
    ),
]
