from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "smartstadt.api"
    label = "api"
