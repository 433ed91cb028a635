from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("catalog.ttl", views.catalog, name="catalog"),
]
