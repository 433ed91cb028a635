from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("wer-macht-das-schon/", views.who_does_this, name="who"),
]
