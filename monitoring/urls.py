"""Living the plan's pages, under an engagement."""

from django.urls import path

from .views import measures

app_name = "monitoring"

urlpatterns: list = []

# --- Measures: readings, targets and status (h-mon-measures) ------------------------------------
LIVING = "engagements/<uuid:engagement_id>/living/"
urlpatterns += [
    path(f"{LIVING}measures/", measures.measure_list, name="measures"),
    path(f"{LIVING}measures/import/", measures.readings_import, name="readings-import"),
    path(f"{LIVING}measures/<uuid:measure_id>/", measures.measure_detail, name="measure"),
    path(
        f"{LIVING}measures/<uuid:measure_id>/targets/",
        measures.measure_targets,
        name="measure-targets",
    ),
    path(
        f"{LIVING}measures/<uuid:measure_id>/yearly-target/",
        measures.measure_yearly_target,
        name="measure-yearly-target",
    ),
    path(
        f"{LIVING}measures/<uuid:measure_id>/override/",
        measures.measure_override,
        name="measure-override",
    ),
]
# --- end of measures block ----------------------------------------------------------------------
