from django.urls import path

from .views import engagements as views
from .views import handoff as handoff_views
from .views import invitations as invitation_views
from .views import meetings as meeting_views
from .views import roster as roster_views
from .views import templates as template_views

app_name = "engagements"

E = "engagements/<uuid:engagement_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(E, views.engagement_detail, name="detail"),
    path(E + "edit/", views.engagement_edit, name="edit"),
    path(E + "hand-off/", handoff_views.hand_off, name="hand-off"),
]

# --- process templates, creating engagements, timeline, dashboard (engagements/views/...) ---
T = "templates/<uuid:template_id>/"
TP = T + "phases/<uuid:template_phase_id>/"
urlpatterns += [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("engagements/new/", views.engagement_create, name="create"),
    path(E + "settings/", views.engagement_settings, name="settings"),
    path(E + "timeline/", views.timeline, name="timeline"),
    path(E + "timeline/move/", views.phase_move, name="phase-move"),
    path(E + "phases/<uuid:phase_id>/edit/", views.phase_edit, name="phase-edit"),
    path("templates/", template_views.template_list, name="templates"),
    path(T, template_views.template_detail, name="template-detail"),
    path(T + "copy/", template_views.template_copy, name="template-copy"),
    path(T + "edit/", template_views.template_edit, name="template-edit"),
    path(T + "delete/", template_views.template_delete, name="template-delete"),
    path(T + "phases/new/", template_views.template_phase_add, name="template-phase-add"),
    path(TP + "edit/", template_views.template_phase_edit, name="template-phase-edit"),
    path(TP + "delete/", template_views.template_phase_delete, name="template-phase-delete"),
    path(TP + "move/", template_views.template_phase_move, name="template-phase-move"),
]

# --- roster (engagements/views/roster.py) ---
urlpatterns += [
    path(E + "roster/", roster_views.roster, name="roster"),
    path(E + "roster/import/", roster_views.roster_import, name="roster-import"),
    path(E + "roster/groups/new/", roster_views.group_add, name="group-add"),
    path(E + "roster/groups/<uuid:group_id>/edit/", roster_views.group_edit, name="group-edit"),
    path(
        E + "roster/groups/<uuid:group_id>/delete/", roster_views.group_delete, name="group-delete"
    ),
    path(
        E + "roster/members/<uuid:membership_id>/edit/",
        roster_views.member_edit,
        name="member-edit",
    ),
    path(
        E + "roster/members/<uuid:membership_id>/remove/",
        roster_views.member_remove,
        name="member-remove",
    ),
]

# --- meetings (engagements/views/meetings.py) ---
M = E + "meetings/<uuid:meeting_id>/"
urlpatterns += [
    path(E + "meetings/", meeting_views.meeting_list, name="meetings"),
    path(E + "meetings/new/", meeting_views.meeting_create, name="meeting-new"),
    path(M, meeting_views.meeting_detail, name="meeting"),
    path(M + "edit/", meeting_views.meeting_edit, name="meeting-edit"),
    path(M + "delete/", meeting_views.meeting_delete, name="meeting-delete"),
    path(M + "agenda/new/", meeting_views.agenda_item_add, name="agenda-item-new"),
    path(
        M + "agenda/<uuid:item_id>/edit/", meeting_views.agenda_item_edit, name="agenda-item-edit"
    ),
    path(
        M + "agenda/<uuid:item_id>/delete/",
        meeting_views.agenda_item_delete,
        name="agenda-item-delete",
    ),
    path(
        M + "agenda/<uuid:item_id>/move/", meeting_views.agenda_item_move, name="agenda-item-move"
    ),
    path(M + "readings/new/", meeting_views.reading_add, name="reading-new"),
    path(M + "readings/<uuid:reading_id>/", meeting_views.reading_download, name="reading"),
    path(
        M + "readings/<uuid:reading_id>/delete/",
        meeting_views.reading_delete,
        name="reading-delete",
    ),
    path(M + "attendance/", meeting_views.attendance, name="attendance"),
]

# --- invitations (engagements/views/invitations.py) ---
INV = E + "invitations/<uuid:invitation_id>/"
urlpatterns += [
    path(E + "invitations/", invitation_views.invitation_list, name="invitations"),
    path(E + "invitations/new/", invitation_views.invitation_new, name="invitation-new"),
    path(INV + "resend/", invitation_views.invitation_resend, name="invitation-resend"),
    path(INV + "withdraw/", invitation_views.invitation_withdraw, name="invitation-withdraw"),
    # The link in the e-mail: public, the token is the key.
    path("invitations/<str:token>/", invitation_views.invitation_accept, name="invitation-accept"),
]
