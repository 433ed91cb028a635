from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("bestand/", views.search, name="search"),
    path("arbeitsbereich/bestand/", views.workspace, name="workspace"),
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
