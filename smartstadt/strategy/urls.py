from django.urls import path

from . import views

app_name = "strategy"

WS = "arbeitsbereich/strategie/<int:pk>"

urlpatterns = [
    # public
    path("strategie/", views.strategy_list, name="list"),
    path("strategie/<int:pk>/", views.strategy_public, name="public"),
    path("strategie/<int:pk>/massnahmen/<int:measure>/", views.measure_sheet, name="measure"),
    # the Smart City team's workspace
    path("arbeitsbereich/strategie/", views.workspace, name="workspace"),
    path("arbeitsbereich/strategie/neu/<slug:municipality>/", views.strategy_create, name="create"),
    path(f"{WS}/", views.overview, name="overview"),
    path(f"{WS}/bearbeiten/", views.strategy_edit, name="edit"),
    path(f"{WS}/veroeffentlichen/", views.strategy_publish, name="publish"),
    path(f"{WS}/luecken/", views.gaps, name="gaps"),
    path(f"{WS}/verlauf/", views.history, name="history"),
    path(f"{WS}/versionen/", views.versions, name="versions"),
    path(f"{WS}/versionen/vergleich/", views.version_compare, name="compare"),
    path(f"{WS}/<slug:kind>/neu/", views.element_create, name="element_create"),
    path(f"{WS}/<slug:kind>/reihenfolge/", views.elements_reorder, name="reorder"),
    path(f"{WS}/massnahmen/<int:measure>/<slug:kind>/neu/", views.element_create, name="child_create"),
    path(f"{WS}/massnahmen/<int:measure>/<slug:kind>/reihenfolge/", views.elements_reorder, name="child_reorder"),
    path(f"{WS}/<slug:kind>/<int:element>/bearbeiten/", views.element_edit, name="element_edit"),
    path(f"{WS}/<slug:kind>/<int:element>/loeschen/", views.element_delete, name="element_delete"),
    path(f"{WS}/<slug:kind>/<int:element>/verschieben/", views.element_move, name="element_move"),
    path(f"{WS}/<slug:kind>/<int:element>/verlauf/", views.history, name="element_history"),
    path(f"{WS}/<slug:kind>/<int:element>/loesungen/", views.solutions, name="solutions"),
    path(f"{WS}/<slug:kind>/<int:element>/loesungen/verknuepfen/", views.solution_link, name="solution_link"),
]
