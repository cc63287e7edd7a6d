app_name = "retreats"

R = "retreats/<uuid:retreat_id>/"
A = R + "activities/<uuid:activity_id>/"

urlpatterns: list = []

# --- joining, the participant's board, the projector (retreats/views/participant.py) ---

from django.urls import path  # noqa: E402

from .views import participant  # noqa: E402

urlpatterns += [
    path("j/", participant.join, name="join"),
    path("j/<str:code>/", participant.join_code, name="join-code"),
    path(R, participant.retreat_home, name="retreat"),
    path(R + "join/", participant.member_join, name="member-join"),
    path(A, participant.board, name="board"),
    path(A + "live/", participant.board_live, name="board-live"),
    path(A + "events/", participant.board_events, name="board-events"),
    path(A + "cards/", participant.card_add, name="card-add"),
    path(A + "vote/", participant.vote, name="vote"),
    path(A + "projector/", participant.projector, name="projector"),
    path(A + "projector/live/", participant.projector_live, name="projector-live"),
]

# --- the facilitator's side: setup, console, themes, moderation, results (views/console.py) ---

from .views import console  # noqa: E402

E = "engagements/<uuid:engagement_id>/"
C = A + "cards/<uuid:card_id>/"
TH = A + "themes/<uuid:theme_id>/"
urlpatterns += [
    path(E + "retreats/new/", console.retreat_create, name="retreat-new"),
    path(R + "setup/", console.setup, name="setup"),
    path(R + "open/", console.retreat_open, name="retreat-open"),
    path(R + "activities/new/", console.activity_add, name="activity-new"),
    path(A + "settings/", console.activity_settings, name="activity-settings"),
    path(A + "move/", console.activity_move, name="activity-move"),
    path(A + "console/", console.console, name="console"),
    path(A + "console/live/", console.console_live, name="console-live"),
    path(A + "console/events/", console.console_events, name="console-events"),
    path(A + "stage/", console.stage, name="stage"),
    path(A + "timer/", console.timer, name="timer"),
    path(A + "reveal/", console.reveal, name="reveal"),
    path(A + "lock/", console.lock, name="lock"),
    path(A + "data/", console.show_indicator, name="show-indicator"),
    path(A + "undo/", console.undo, name="undo"),
    path(A + "cards/merge/", console.cards_merge, name="cards-merge"),
    path(C + "edit/", console.card_edit, name="card-edit"),
    path(C + "hide/", console.card_hide, name="card-hide"),
    path(C + "carry-forward/", console.card_carry, name="card-carry"),
    path(C + "theme/", console.card_theme, name="card-theme"),
    path(A + "themes/", console.themes, name="themes"),
    path(A + "themes/new/", console.theme_add, name="theme-new"),
    path(TH + "edit/", console.theme_edit, name="theme-edit"),
    path(TH + "delete/", console.theme_delete, name="theme-delete"),
    path(TH + "carry-forward/", console.theme_carry, name="theme-carry"),
    path(A + "results/", console.results, name="results"),
    path(A + "results.csv", console.results_csv, name="results-csv"),
]

# --- open meetings: the observer link (views/observer.py) and the record for the minutes ---

from .views import observer  # noqa: E402

W = "watch/<str:token>/"
urlpatterns += [
    path(W, observer.observer, name="observer"),
    path(W + "live/", observer.observer_live, name="observer-live-empty"),
    path(W + "boards/<uuid:activity_id>/live/", observer.observer_live, name="observer-live"),
    path(W + "record.csv", observer.observer_record_csv, name="observer-record-csv"),
    path(R + "public-meeting/", console.public_meeting, name="public-meeting"),
    path(R + "record.csv", console.record_csv, name="record-csv"),
]
