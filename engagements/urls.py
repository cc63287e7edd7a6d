from django.urls import path

from .views import engagements as views

app_name = "engagements"

E = "engagements/<uuid:engagement_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(E, views.engagement_detail, name="detail"),
    path(E + "edit/", views.engagement_edit, name="edit"),
]

# --- process templates, creating engagements, timeline, dashboard (engagements/views/...) ---

# --- roster (engagements/views/roster.py) ---

# --- meetings (engagements/views/meetings.py) ---

# --- invitations (engagements/views/invitations.py) ---
