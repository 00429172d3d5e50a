"""Celery app for the fault-injection worker: the portal's own app, plus the test job module and a short
visibility timeout (so a message of a killed worker is redelivered in seconds, not an hour)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_portal.settings")
django.setup()

from telephony_portal.celery import app  # noqa: E402

app.conf.broker_transport_options = {
    "visibility_timeout": int(os.environ.get("FAULTS_VISIBILITY_TIMEOUT", "8"))
}
app.conf.broker_connection_retry_on_startup = True

import tests.faults.jobs  # noqa: E402, F401  (registers the tasks)
