"""Living the plan's pages, under an engagement."""

from django.urls import path

from .views import actions, schedule

app_name = "monitoring"

L = "engagements/<uuid:engagement_id>/living/"

urlpatterns: list = []

# --- implementation schedule (h-mon-schedule) ---------------------------------------------
urlpatterns += [
    path(L + "schedule/", schedule.schedule, name="schedule"),
    path(L + "schedule/schedule.csv", schedule.schedule_csv, name="schedule-csv"),
]
# --- end implementation schedule -------------------------------------------------------------

# --- action progress (issue 14 item 5) ---------------------------------------------------------
urlpatterns += [
    path(L + "actions/", actions.action_steps, name="action-steps"),
    path(L + "actions/<uuid:step_id>/", actions.action_step, name="action-step"),
]
# --- end action progress -----------------------------------------------------------------------
