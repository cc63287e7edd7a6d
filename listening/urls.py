"""Listening's pages: under an engagement for the team, and the answering pages (public link,
invitation link) at their own short addresses."""

from django.urls import path

from .views import public, sessions, staff

app_name = "listening"

L = "engagements/<uuid:engagement_id>/listening/"
S = L + "surveys/<uuid:survey_id>/"
Q = S + "questions/<uuid:question_id>/"
T = L + "sessions/<uuid:session_id>/"

urlpatterns = [
    path(L, staff.overview, name="overview"),
    path(L + "privacy/", staff.retention, name="retention"),
    path(L + "surveys/new/", staff.survey_create, name="survey-create"),
    path(S, staff.survey, name="survey"),
    path(S + "status/", staff.survey_status, name="survey-status"),
    path(S + "preview/", staff.preview, name="preview"),
    path(S + "questions/add/", staff.question_add, name="question-add"),
    path(S + "questions/protected-topics/", staff.ppra_check, name="ppra-check"),
    path(Q, staff.question_edit, name="question-edit"),
    path(Q + "move/", staff.question_move, name="question-move"),
    path(Q + "delete/", staff.question_delete, name="question-delete"),
    path(S + "invite/", staff.invite, name="invite"),
    path(S + "respondents/", staff.respondents, name="respondents"),
    path(
        S + "respondents/<uuid:respondent_id>/send-again/",
        staff.invitation_resend,
        name="invitation-resend",
    ),
    path(S + "results/", staff.results, name="results"),
    path(S + "results.csv", staff.results_csv, name="results-csv"),
    path(L + "sessions/new/", sessions.session_create, name="session-create"),
    path(T, sessions.session, name="session"),
    path(T + "edit/", sessions.session_edit, name="session-edit"),
    path(T + "delete/", sessions.session_delete, name="session-delete"),
    path(T + "comments/<uuid:entry_id>/", sessions.comment_edit, name="comment-edit"),
    path(T + "comments/<uuid:entry_id>/delete/", sessions.comment_delete, name="comment-delete"),
    path("survey/<str:token>/", public.answer_public, name="public"),
    path("survey/<str:token>/thanks/", public.thanks_public, name="public-thanks"),
    path("survey/invited/<str:token>/", public.answer_invited, name="invited"),
]
