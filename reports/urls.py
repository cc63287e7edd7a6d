"""The reports pages of an engagement: PDFs of the plan (views.py)."""

from django.urls import path

from . import views

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
]
