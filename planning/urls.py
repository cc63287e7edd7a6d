"""The plan's pages: the plan and its editing (views/plan.py), drafts and their comparison
(views/drafts.py), the health check (views/health.py), export and import (views/exports.py);
a draft's review with its comments (views/review.py), triage (views/triage.py) and buy-in check
(views/buyin.py); approval and history (views/approval.py); and the public review link
(views/public.py), the only pages here open without an account."""

from django.urls import path

from .views import (
    approval,
    buyin,
    drafts,
    exports,
    from_evidence,
    health,
    plan,
    public,
    review,
    triage,
)

app_name = "planning"

P = "engagements/<uuid:engagement_id>/plan/"
EL = P + "<str:kind>/<uuid:element_id>/"
D = P + "drafts/<int:number>/"
C = D + "review/comments/<uuid:comment_id>/"
R = "review/<str:token>/"

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
    # From the environmental scan (evidence/): an indicator becomes a measure.
    path(
        "engagements/<uuid:engagement_id>/evidence/indicators/<uuid:indicator_id>/measure/",
        from_evidence.measure_from_indicator_page,
        name="measure-from-indicator",
    ),
    path(P + "drafts/", drafts.drafts, name="drafts"),
    path(P + "drafts/compare/", drafts.compare, name="compare"),
    path(P + "drafts/<int:number>/", drafts.draft, name="draft"),
    path(D + "publish/", review.publish, name="publish"),
    path(D + "review/", review.review, name="review"),
    path(D + "review/manage/", review.manage, name="review-manage"),
    path(D + "review/comments/", review.comment_add, name="comment-add"),
    path(C + "edit/", review.comment_edit, name="comment-edit"),
    path(C + "withdraw/", review.comment_withdraw, name="comment-withdraw"),
    path(D + "feedback/", triage.inbox, name="inbox"),
    path(D + "feedback/<uuid:comment_id>/", triage.triage, name="triage"),
    path(D + "buy-in/", buyin.survey, name="buy-in"),
    path(D + "buy-in/results/", buyin.results, name="buy-in-results"),
    path(P + "approval/", approval.approval, name="approval"),
    path(P + "approval/settings/", approval.settings, name="approval-settings"),
    path(P + "approval/freeze/", approval.freeze, name="freeze"),
    path(P + "approval/recommend/", approval.recommend, name="recommend"),
    path(P + "approval/vote/", approval.vote, name="vote"),
    path(P + "approval/decision/", approval.decision, name="decision"),
    path(P + "history/", approval.history, name="history"),
    path(R, public.read, name="public-review"),
    path(R + "feedback/", public.feedback, name="public-feedback"),
    path(R + "thanks/", public.thanks, name="public-thanks"),
    path(R + "buy-in/", public.buy_in, name="public-buy-in"),
    path(P + "health/", health.health, name="health"),
    path(P + "export.json", exports.export_json, name="export-json"),
    path(P + "export.csv", exports.export_csv, name="export-csv"),
    path(P + "import/", exports.import_plan, name="import"),
]
