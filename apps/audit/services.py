"""Storing audit events (the sink of apps.core.audit) and attributing Celery tasks."""

from __future__ import annotations

from typing import Any

from apps.core import audit

from .models import AuditEvent

_task_contexts: dict[str, Any] = {}


def event_store(event: audit.Event) -> None:
    _row(event).save()


def events_store(events: list[audit.Event]) -> None:
    """Events of one bulk write, in one INSERT per 1000."""
    AuditEvent.objects.bulk_create([_row(event) for event in events], batch_size=1000)


def _row(event: audit.Event) -> AuditEvent:
    ctx = event.context
    actor = ctx.resolved_actor()
    return AuditEvent(
        actor=actor,
        actor_name=getattr(actor, "username", "") if actor else "",
        action=event.action,
        model=event.model,
        object_id=event.object_id,
        object_repr=event.object_repr,
        changes=event.changes,
        source=ctx.source[:100],
        ip=ctx.ip,
        request_id=ctx.request_id,
        path=ctx.path,
    )


def task_started(sender=None, task_id=None, task=None, **kwargs) -> None:
    """Changes made by a Celery task are attributed to `task:<name>` and its task id."""
    name = getattr(task, "name", None) or getattr(sender, "name", "task")
    cm = audit.audit_context(source=f"task:{name}", request_id=(task_id or "")[:64])
    cm.__enter__()
    _task_contexts[task_id or ""] = cm


def task_finished(sender=None, task_id=None, **kwargs) -> None:
    cm = _task_contexts.pop(task_id or "", None)
    if cm is not None:
        cm.__exit__(None, None, None)
