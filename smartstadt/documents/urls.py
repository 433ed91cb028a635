from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("strategie/<int:pk>/dokumente/", views.documents, name="list"),
    path("strategie/<int:pk>/dokumente/<int:document>/", views.document_detail, name="detail"),
    path("strategie/<int:pk>/dokumente/<int:document>/datei/", views.document_download, name="download"),
    path("strategie/<int:pk>/dokumente/<int:document>/neu/", views.document_restart, name="restart"),
]
