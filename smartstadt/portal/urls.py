from django.urls import path

from . import atlas, statistics, views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("kommunen/", views.municipalities, name="municipalities"),
    path("kommunen/<slug:slug>/", views.municipality, name="municipality"),
    path("kommunen/<slug:slug>/bearbeiten/", views.municipality_edit, name="municipality_edit"),
    path("kommunen/<slug:slug>/verlauf/", views.municipality_history, name="municipality_history"),
    path("kommunen/<slug:municipality>/akteure/<slug:slug>/", views.organisation, name="organisation"),
    path("ordnungsrahmen/", views.frameworks, name="frameworks"),
    path("ordnungsrahmen/<slug:slug>/", views.framework, name="framework"),
    path("karte/", atlas.map_page, name="map"),
    path("karte/daten.json", atlas.map_data_json, name="map_data"),
    path("netzwerk/", atlas.network_page, name="network"),
    path("statistik/", statistics.statistics_page, name="statistics"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
]
