from django.urls import path

from . import merge_views, spreadsheet_views, views

app_name = "inventory"

urlpatterns = [
    path("bestand/", views.search, name="search"),
    path("arbeitsbereich/bestand/", views.workspace, name="workspace"),
    # Spreadsheets: the public list as a file; the team's import, template and full export
    path("bestand/export.<str:fmt>", spreadsheet_views.export_public, name="export"),
    path("arbeitsbereich/bestand/<slug:municipality>/import/", spreadsheet_views.import_start, name="import"),
    path(
        "arbeitsbereich/bestand/<slug:municipality>/import/<str:token>/",
        spreadsheet_views.import_detail,
        name="import_detail",
    ),
    path(
        "arbeitsbereich/bestand/<slug:municipality>/import/<str:token>/bestaetigen/",
        spreadsheet_views.import_confirm,
        name="import_confirm",
    ),
    path(
        "arbeitsbereich/bestand/<slug:municipality>/import/<str:token>/verwerfen/",
        spreadsheet_views.import_discard,
        name="import_discard",
    ),
    path(
        "arbeitsbereich/bestand/<slug:municipality>/importvorlage.<str:fmt>",
        spreadsheet_views.import_template,
        name="import_template",
    ),
    path(
        "arbeitsbereich/bestand/<slug:municipality>/export.<str:fmt>",
        spreadsheet_views.export_workspace,
        name="workspace_export",
    ),
    # Duplicates: the team's candidate pairs and merging two entries (merging.py)
    path("arbeitsbereich/bestand/<slug:municipality>/dubletten/", merge_views.duplicates, name="duplicates"),
    path(
        "arbeitsbereich/bestand/<slug:municipality>/zusammenfuehren/<int:keep>/<int:remove>/",
        merge_views.entry_merge,
        name="entry_merge",
    ),
    path("kommunen/<slug:municipality>/bestand/neu/", views.entry_create, name="entry_create"),
    path("kommunen/<slug:municipality>/bestand/<slug:slug>/", views.entry_detail, name="entry"),
    path("kommunen/<slug:municipality>/bestand/<slug:slug>/bearbeiten/", views.entry_edit, name="entry_edit"),
    path("kommunen/<slug:municipality>/bestand/<slug:slug>/verlauf/", views.entry_history, name="entry_history"),
    *[
        path(
            f"kommunen/<slug:municipality>/bestand/<slug:slug>/{word}/",
            views.entry_transition,
            {"action": action},
            name=f"entry_{action}",
        )
        for word, action in [
            ("einreichen", "submit"),
            ("veroeffentlichen", "publish"),
            ("zurueckstellen", "draft"),
            ("loeschen", "delete"),
        ]
    ],
]
