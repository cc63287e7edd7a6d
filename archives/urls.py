from django.urls import path

from . import views

app_name = "archives"

urlpatterns = [
    path(
        "engagements/<uuid:engagement_id>/backup.zip",
        views.engagement_backup,
        name="engagement-backup",
    ),
]
