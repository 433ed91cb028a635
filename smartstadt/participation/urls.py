from django.urls import path

from . import views

app_name = "participation"

IDEA = "beteiligung/<slug:slug>/ideen/<int:pk>"

urlpatterns = [
    # public
    path("beteiligung/", views.process_list, name="processes"),
    path("beteiligung/<slug:slug>/", views.process_detail, name="process"),
    path("beteiligung/<slug:slug>/ideen/", views.idea_list, name="ideas"),
    path("beteiligung/<slug:slug>/ideen/neu/", views.idea_create, name="idea_create"),
    path("beteiligung/<slug:slug>/was-aus-den-beitraegen-wurde/", views.results, name="results"),
    path(f"{IDEA}/", views.idea_detail, name="idea"),
    path(f"{IDEA}/unterstuetzen/", views.idea_support, name="support"),
    path(f"{IDEA}/kommentieren/", views.comment_create, name="comment"),
    path(f"{IDEA}/melden/", views.contribution_report, name="report_idea"),
    path(f"{IDEA}/kommentare/<int:comment>/melden/", views.contribution_report, name="report_comment"),
    path(f"{IDEA}/antworten/", views.idea_answer, name="answer"),
    # moderation
    path("arbeitsbereich/moderation/", views.moderation_queue, name="moderation"),
    path("arbeitsbereich/moderation/<slug:kind>/<int:pk>/ausblenden/", views.moderation_hide, name="hide"),
    path("arbeitsbereich/moderation/<slug:kind>/<int:pk>/einblenden/", views.moderation_unhide, name="unhide"),
    path("arbeitsbereich/moderation/<slug:kind>/<int:pk>/erledigt/", views.moderation_dismiss, name="dismiss"),
    # accounts
    path("registrieren/", views.register, name="register"),
    path("registrieren/gesendet/", views.register_done, name="register_done"),
    path("registrieren/bestaetigen/<uidb64>/<token>/", views.confirm, name="confirm"),
    path("konto/meine-daten/", views.my_data, name="my_data"),
    path("konto/meine-daten/export.json", views.my_data_export, name="my_data_export"),
    path("konto/loeschen/", views.account_delete, name="account_delete"),
]
