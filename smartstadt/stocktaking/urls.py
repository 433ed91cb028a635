from django.urls import path

from . import views

app_name = "stocktaking"

TEAM = "arbeitsbereich/bestandsaufnahmen"

urlpatterns = [
    path(f"{TEAM}/", views.campaign_list, name="campaigns"),
    path(f"{TEAM}/neu/<slug:municipality>/", views.campaign_create, name="campaign_create"),
    path(f"{TEAM}/<int:pk>/", views.campaign_detail, name="campaign"),
    path(f"{TEAM}/<int:pk>/bearbeiten/", views.campaign_edit, name="campaign_edit"),
    path(f"{TEAM}/<int:pk>/einladen/", views.invitation_add, name="invitation_add"),
    path(f"{TEAM}/<int:pk>/verlauf/", views.campaign_history, name="campaign_history"),
    *[
        path(f"{TEAM}/<int:pk>/{word}/", views.campaign_action, {"action": action}, name=f"campaign_{action}")
        for word, action in [("senden", "send"), ("erinnern", "remind"), ("abschliessen", "close")]
    ],
    *[
        path(
            f"{TEAM}/einladungen/<int:pk>/{word}/",
            views.invitation_action,
            {"action": action},
            name=f"invitation_{action}",
        )
        for word, action in [
            ("senden", "send"),
            ("erinnern", "remind"),
            ("widerrufen", "revoke"),
            ("verlaengern", "extend"),
        ]
    ],
    # The invitees' pages: no account, the personal link is the key.
    path("bestandsaufnahme/<slug:token>/", views.invitee_start, name="invitee"),
    path("bestandsaufnahme/<slug:token>/neu/", views.invitee_entry_create, name="invitee_entry_create"),
    path("bestandsaufnahme/<slug:token>/eintraege/<int:entry>/", views.invitee_entry_edit, name="invitee_entry_edit"),
    path("bestandsaufnahme/<slug:token>/bestaetigen/", views.invitee_confirm, name="invitee_confirm"),
]
