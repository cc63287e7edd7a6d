from django.urls import path

from . import views

app_name = "evidence"

E = "engagements/<uuid:engagement_id>/evidence/"
I = E + "indicators/<uuid:indicator_id>/"  # noqa: E741
P = E + "packs/<uuid:pack_id>/"
IT = E + "pack-items/<uuid:pack_item_id>/"

urlpatterns = [
    path(E, views.indicator_list, name="indicators"),
    path(E + "indicators/new/", views.indicator_add, name="indicator-new"),
    path(E + "import/", views.indicator_import, name="import"),
    path(E + "import/template.csv", views.import_template, name="import-template"),
    path(I, views.indicator_detail, name="indicator"),
    path(I + "edit/", views.indicator_edit, name="indicator-edit"),
    path(I + "delete/", views.indicator_delete, name="indicator-delete"),
    path(E + "packs/new/", views.pack_add, name="pack-new"),
    path(P, views.pack_detail, name="pack"),
    path(P + "edit/", views.pack_edit, name="pack-edit"),
    path(P + "delete/", views.pack_delete, name="pack-delete"),
    path(IT + "edit/", views.pack_item_edit, name="item-edit"),
    path(IT + "move/", views.pack_item_move, name="item-move"),
    path(IT + "remove/", views.pack_item_remove, name="item-remove"),
]
