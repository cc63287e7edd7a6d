"""The plan's pages: the plan and its editing (views/plan.py), drafts and their comparison
(views/drafts.py), the health check (views/health.py), export and import (views/exports.py)."""

from django.urls import path

from .views import drafts, exports, health, plan

app_name = "planning"

P = "engagements/<uuid:engagement_id>/plan/"
EL = P + "<str:kind>/<uuid:element_id>/"

urlpatterns = [
    path(P, plan.plan_page, name="plan"),
    path(P + "statements/", plan.statements, name="statements"),
    path(P + "<str:kind>/new/", plan.element_add, name="element-add"),
    path(EL, plan.element, name="element"),
    path(EL + "edit/", plan.element_edit, name="element-edit"),
    path(EL + "delete/", plan.element_delete, name="element-delete"),
    path(EL + "move/", plan.element_move, name="element-move"),
    path(EL + "reorder/", plan.element_reorder, name="element-reorder"),
    path(P + "strategy/<uuid:element_id>/goal/", plan.strategy_goal, name="strategy-goal"),
    path(P + "inbox/<str:source_kind>/<uuid:source_id>/", plan.use_source, name="use-source"),
    path(P + "drafts/", drafts.drafts, name="drafts"),
    path(P + "drafts/compare/", drafts.compare, name="compare"),
    path(P + "drafts/<int:number>/", drafts.draft, name="draft"),
    path(P + "health/", health.health, name="health"),
    path(P + "export.json", exports.export_json, name="export-json"),
    path(P + "export.csv", exports.export_csv, name="export-csv"),
    path(P + "import/", exports.import_plan, name="import"),
]
