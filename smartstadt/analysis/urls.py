from django.urls import path

from . import cooperation_views, views

app_name = "analysis"

urlpatterns = [
    path("wer-macht-das-schon/", views.who_does_this, name="who"),
    path("kooperation/", cooperation_views.cooperation_page, name="cooperation"),
    path("kooperation/export.<str:fmt>", cooperation_views.cooperation_export, name="cooperation_export"),
]
