"""Living the plan's pages, under an engagement."""

from django.urls import path

from .views import schedule

app_name = "monitoring"

L = "engagements/<uuid:engagement_id>/living/"

urlpatterns: list = []

# --- implementation schedule (h-mon-schedule) ---------------------------------------------
urlpatterns += [
    path(L + "schedule/", schedule.schedule, name="schedule"),
    path(L + "schedule/schedule.csv", schedule.schedule_csv, name="schedule-csv"),
]
# --- end implementation schedule -------------------------------------------------------------
