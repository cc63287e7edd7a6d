"""The reports pages of an engagement: PDFs of the plan (views.py)."""

from django.urls import path

from . import views, views_board

app_name = "reports"

R = "engagements/<uuid:engagement_id>/reports/"
J = R + "<uuid:job_id>/"

urlpatterns = [
    path(R, views.reports, name="reports"),
    path(R + "settings/", views.layout_settings, name="settings"),
    path(J, views.job, name="job"),
    path(J + "download/", views.download, name="download"),
    path(J + "retry/", views.retry, name="retry"),
    path("retreats/<uuid:retreat_id>/record.pdf", views.record_pdf, name="record-pdf"),
    path("watch/<str:token>/record.pdf", views.observer_record_pdf, name="observer-record-pdf"),
    # the board progress report (h-boardreport)
    path(R + "board/", views_board.board_report, name="board"),
    path(R + "board/prepare/", views_board.board_prepare, name="board-prepare"),
    path(R + "board/pdf/", views_board.board_pdf, name="board-pdf"),
]
