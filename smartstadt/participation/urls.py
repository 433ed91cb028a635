from django.urls import path

from . import report_views, team_views, views

app_name = "participation"

IDEA = "beteiligung/<slug:slug>/ideen/<int:pk>"
DRAFT = "beteiligung/<slug:slug>/entwurf"
TEAM = "arbeitsbereich/beteiligung/<slug:slug>"
SURVEY = f"{TEAM}/umfragen/<int:pk>"

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
    path(f"{IDEA}/zusammenfuehren/", team_views.idea_merge, name="merge"),
    # commenting the draft
    path(f"{DRAFT}/", views.draft, name="draft"),
    path(f"{DRAFT}/kommentieren/", views.draft_comment_create, name="draft_comment"),
    path(f"{DRAFT}/kommentare/<int:pk>/melden/", views.draft_comment_report, name="report_draft_comment"),
    path(f"{DRAFT}/kommentare/<int:pk>/antworten/", views.draft_comment_answer, name="answer_draft_comment"),
    # surveys and workshops
    path("beteiligung/<slug:slug>/umfragen/<int:pk>/", views.survey_detail, name="survey"),
    path("beteiligung/<slug:slug>/umfragen/<int:pk>/ergebnisse/", views.survey_results, name="survey_results"),
    path("beteiligung/<slug:slug>/veranstaltungen/<int:pk>/", views.workshop_detail, name="workshop"),
    # the team's area
    path("arbeitsbereich/beteiligung/", team_views.processes, name="team"),
    path("arbeitsbereich/beteiligung/neu/<slug:municipality>/", team_views.process_create, name="process_create"),
    path(f"{TEAM}/", team_views.manage, name="manage"),
    path(f"{TEAM}/bearbeiten/", team_views.process_edit, name="process_edit"),
    path(f"{TEAM}/phasen/neu/", team_views.phase_edit, name="phase_create"),
    path(f"{TEAM}/phasen/<int:pk>/bearbeiten/", team_views.phase_edit, name="phase_edit"),
    path(f"{TEAM}/phasen/<int:pk>/loeschen/", team_views.phase_delete, name="phase_delete"),
    path(f"{TEAM}/entwurf/", team_views.draft_comments, name="draft_comments"),
    path(f"{TEAM}/veranstaltungen/neu/", team_views.workshop_edit, name="workshop_create"),
    path(f"{TEAM}/veranstaltungen/<int:pk>/bearbeiten/", team_views.workshop_edit, name="workshop_edit"),
    path(f"{TEAM}/veranstaltungen/<int:pk>/idee/", team_views.workshop_idea, name="workshop_idea"),
    path(f"{TEAM}/umfragen/neu/", team_views.survey_create, name="survey_create"),
    path(f"{SURVEY}/", team_views.survey_edit, name="survey_edit"),
    path(f"{SURVEY}/fragen/neu/", team_views.question_edit, name="question_create"),
    path(f"{SURVEY}/fragen/<int:question>/bearbeiten/", team_views.question_edit, name="question_edit"),
    path(f"{SURVEY}/fragen/<int:question>/verschieben/", team_views.question_move, name="question_move"),
    path(f"{SURVEY}/fragen/<int:question>/loeschen/", team_views.question_delete, name="question_delete"),
    path(f"{SURVEY}/export.<slug:fmt>", team_views.survey_export, name="survey_export"),
    path(f"{TEAM}/bericht/", report_views.report_page, name="report"),
    path(f"{TEAM}/bericht/beteiligungsbericht.<slug:format>", report_views.report_download, name="report_download"),
    path(f"{TEAM}/bericht/<int:document>/", report_views.report_document, name="report_document"),
    path(f"{TEAM}/bericht/<int:document>/datei/", report_views.report_file, name="report_file"),
    path(f"{TEAM}/bericht/<int:document>/neu/", report_views.report_restart, name="report_restart"),
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
