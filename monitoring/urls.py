"""Living the plan's pages, under an engagement."""

from django.urls import path

from .views import actions, cycle, measures, progress, public, schedule

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

# --- Measures: readings, targets and status (h-mon-measures) ------------------------------------
urlpatterns += [
    path(L + "measures/", measures.measure_list, name="measures"),
    path(L + "measures/import/", measures.readings_import, name="readings-import"),
    path(L + "measures/<uuid:measure_id>/", measures.measure_detail, name="measure"),
    path(
        L + "measures/<uuid:measure_id>/targets/",
        measures.measure_targets,
        name="measure-targets",
    ),
    path(
        L + "measures/<uuid:measure_id>/yearly-target/",
        measures.measure_yearly_target,
        name="measure-yearly-target",
    ),
    path(
        L + "measures/<uuid:measure_id>/override/",
        measures.measure_override,
        name="measure-override",
    ),
]
# --- end of measures block ----------------------------------------------------------------------

# --- the update cycle (h-mon-cycle) ---------------------------------------------------------------
urlpatterns += [
    path("my-updates/", cycle.my_updates_everywhere, name="my-updates-everywhere"),
    path(L + "my-updates/", cycle.my_updates, name="my-updates"),
    path(
        L + "my-updates/measures/<uuid:measure_id>/",
        cycle.my_update_measure,
        name="my-update-measure",
    ),
    path(L + "my-updates/steps/<uuid:step_id>/", cycle.my_update_step, name="my-update-step"),
    path(L + "cycle/", cycle.cycle_page, name="cycle"),
    path(L + "cycle/settings/", cycle.cycle_settings, name="cycle-settings"),
    path(L + "cycle/nudge/<uuid:membership_id>/", cycle.cycle_nudge, name="cycle-nudge"),
]
# --- end of the update cycle block ----------------------------------------------------------------

# --- the progress page (h-mon-progress) -------------------------------------------------------
urlpatterns += [
    path(L, progress.progress, name="progress"),
]
# --- end of the progress page ------------------------------------------------------------------

# --- the public progress page (issue 16 item 2, h-publicpage) ---------------------------------
urlpatterns += [
    path(L + "public-page/", public.public_settings, name="public-settings"),
    # No engagement in the address: the token is the only key, and names nothing else.
    path("progress/<str:token>/", public.public_page, name="public-page"),
    path("progress/<str:token>/measures.csv", public.public_measures_csv, name="public-measures"),
    path("progress/<str:token>/readings.csv", public.public_readings_csv, name="public-readings"),
]
# --- end of the public progress page ---------------------------------------------------------
