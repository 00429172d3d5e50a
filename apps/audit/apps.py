from django.apps import AppConfig

from apps.accounts.roles import VIEW


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "Audit trail"
    # Read-only for every role: only the admin reads it, nobody is granted add/change/delete.
    role_permissions = {"admin": {"auditevent": VIEW}}

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun

        from apps.core import audit

        from .services import event_store, events_store, task_finished, task_started

        audit.set_sink(event_store, many=events_store)
        task_prerun.connect(task_started, dispatch_uid="audit.task_prerun", weak=False)
        task_postrun.connect(task_finished, dispatch_uid="audit.task_postrun", weak=False)
