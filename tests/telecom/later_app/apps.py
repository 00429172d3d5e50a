from django.apps import AppConfig


class LaterAppConfig(AppConfig):
    name = "tests.telecom.later_app"
    label = "later_app"
