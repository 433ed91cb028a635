from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "smartstadt.opendata"
    label = "opendata"
