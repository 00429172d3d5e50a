"""Celery application: the official Django recipe; all configuration lives in settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_portal.settings")

app = Celery("telephony_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
