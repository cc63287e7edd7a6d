"""Synthesis pages, under an engagement."""

from django.urls import path

from . import views

app_name = "synthesis"

E = "engagements/<uuid:engagement_id>/synthesis/"
C = E + "tag/<uuid:voice_comment_id>/"
T = E + "themes/<uuid:voice_theme_id>/"
Q = T + "quotes/<uuid:quote_id>/"

urlpatterns = [
    path(E, views.overview, name="overview"),
    path(E + "themes.csv", views.counts_csv, name="counts-csv"),
    path(E + "tag/", views.tagging, name="tagging"),
    path(C, views.tag_one, name="tag-one"),
    path(C + "untag/<uuid:voice_theme_id>/", views.untag_one, name="untag-one"),
    path(T, views.theme, name="theme"),
    path(T + "edit/", views.theme_edit, name="theme-edit"),
    path(T + "delete/", views.theme_delete, name="theme-delete"),
    path(T + "quotes/", views.quote_add, name="quote-add"),
    path(Q + "move/", views.quote_move, name="quote-move"),
    path(Q + "remove/", views.quote_remove, name="quote-remove"),
    path(T + "board/", views.carry_board, name="carry-board"),
    path(T + "plan/", views.carry_plan, name="carry-plan"),
]
