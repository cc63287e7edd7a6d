from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("", views.home, name="home"),
    path("engagements/<uuid:engagement_id>/", views.engagement_detail, name="detail"),
    path("engagements/<uuid:engagement_id>/edit/", views.engagement_edit, name="edit"),
]
