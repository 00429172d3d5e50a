"""Audit trail, the mechanism: which models are audited, who/where a change comes from, what changed.

Infrastructure, not domain behaviour: a registered model's `pre_save`/`post_save`/`post_delete` signals
record one event per saved row that really changed (field → [old, new]), in the same transaction as the
change. Where the change comes from is a context: a web/API request (set by `AuditContextMiddleware`:
user, IP, request id, path), a Celery task (`task:<name>`), a management command (`command:<name>`,
e.g. `command:import_inventory`), or whatever a caller wraps in `audit_context(source=...)`.

The events are stored by a *sink* that the `apps.audit` app installs (`set_sink`); core holds no models.
Masked fields (and every encrypted field) are recorded as changed without their values.

Register a model with the class decorator `@audited(mask=("password",), exclude=("last_seen",))`.

Bulk writes: `QuerySet.delete()` is covered (Django sends `post_delete` per row for a model with
listeners), and so are many-to-many `.add/.remove/.set/.clear` on an audited model's M2M fields, from
either side (`m2m_changed`). `QuerySet.update()`, `bulk_create()`, `bulk_update()` and raw SQL bypass
model signals: the writer records them with `record_created(model, objs)` after a bulk_create and
`before = snapshot(objs)` … `record_updated(model, objs, before)` around a bulk_update (one event per
row that changed, stored in one INSERT), or `record_event` for an `update()`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

MASK = "••••••"
CREATE, UPDATE, DELETE = "create", "update", "delete"


@dataclass(frozen=True)
class AuditSpec:
    """How one model is audited: fields recorded as 'changed' only, and fields not recorded at all."""

    model: type[models.Model]
    mask: frozenset[str]
    exclude: frozenset[str]


@dataclass(frozen=True)
class AuditContext:
    """Who and where a change comes from."""

    source: str
    actor: Any = None  # a User, or None (system); for requests it is read lazily from `request`
    request: Any = None
    ip: str | None = None
    request_id: str = ""
    path: str = ""

    def resolved_actor(self):
        user = getattr(self.request, "user", None) if self.request is not None else self.actor
        return user if user is not None and getattr(user, "is_authenticated", False) else None


@dataclass
class Event:
    """One change to hand to the sink."""

    action: str
    model: str
    object_id: str
    object_repr: str
    changes: dict[str, list]
    context: AuditContext = field(repr=False, default=None)  # type: ignore[assignment]


_registry: dict[type[models.Model], AuditSpec] = {}
_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_context", default=None)
_sink: Callable[[Event], None] | None = None
_sink_many: Callable[[list[Event]], None] | None = None
_m2m: dict[type[models.Model], tuple[type[models.Model], models.ManyToManyField]] = {}  # through → owner


def audited(*, mask: tuple[str, ...] = (), exclude: tuple[str, ...] = ()):
    """Class decorator: record every change of this model (fields in `mask` without their values)."""

    def decorate(model: type[models.Model]) -> type[models.Model]:
        register(model, mask=mask, exclude=exclude)
        return model

    return decorate


def register(model: type[models.Model], *, mask=(), exclude=()) -> None:
    """Audit `model` (for models an app cannot decorate, e.g. third-party ones; call it in `ready()`)."""
    _registry[model] = AuditSpec(model=model, mask=frozenset(mask), exclude=frozenset(exclude))
    uid = f"audit:{model._meta.label_lower}"
    pre_save.connect(_remember_old, sender=model, dispatch_uid=f"{uid}:pre", weak=False)
    post_save.connect(_record_save, sender=model, dispatch_uid=f"{uid}:post", weak=False)
    post_delete.connect(_record_delete, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
    for m2m in model._meta.local_many_to_many:
        through = m2m.remote_field.through
        if isinstance(through, str):  # not resolved yet: connect when the through model is ready
            from django.db.models.fields.related import lazy_related_operation

            lazy_related_operation(lambda _owner, t, m2m=m2m: _watch_m2m(model, m2m, t), model, through)
        else:
            _watch_m2m(model, m2m, through)


def _watch_m2m(model, m2m: models.ManyToManyField, through: type[models.Model]) -> None:
    _m2m[through] = (model, m2m)
    uid = f"audit:{model._meta.label_lower}.{m2m.name}"
    m2m_changed.connect(_record_m2m, sender=through, dispatch_uid=uid, weak=False)


def registry() -> dict[type[models.Model], AuditSpec]:
    return dict(_registry)


def set_sink(
    sink: Callable[[Event], None] | None, *, many: Callable[[list[Event]], None] | None = None
) -> None:
    """`sink` stores one event; `many` (optional) stores a list at once (bulk writes)."""
    global _sink, _sink_many
    _sink, _sink_many = sink, many


def has_sink() -> bool:
    return _sink is not None


@contextlib.contextmanager
def audit_context(*, source: str, actor=None, **extra) -> Iterator[AuditContext]:
    """Changes inside the block are attributed to `source` (e.g. "import:admin numbers.xlsx")."""
    outer = _context.get()
    ctx = replace(outer, source=source, **extra) if outer else AuditContext(source=source, **extra)
    if actor is not None:
        ctx = replace(ctx, actor=actor, request=None)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    ctx = _context.get()
    if ctx is not None:
        return ctx
    # Nothing set: a management command (manage.py <name>) or plain code.
    if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py"):
        return AuditContext(source=f"command:{sys.argv[1]}")
    return AuditContext(source="system")


def masked_fields(model: type[models.Model]) -> frozenset[str]:
    """Fields whose values never reach the trail: declared masks and every encrypted field."""
    from .crypto import encrypted_field_names

    spec = _registry.get(model)
    return (spec.mask if spec else frozenset()) | frozenset(encrypted_field_names(model))


def _audited_fields(model: type[models.Model]) -> list[models.Field]:
    spec = _registry[model]
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in spec.exclude and f.name not in ("created_at", "updated_at")
    ]


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _snapshot(model, values: dict[str, Any]) -> dict[str, Any]:
    return {f.name: _plain(values.get(f.attname)) for f in _audited_fields(model)}


def _remember_old(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_old = None
        return
    attnames = [f.attname for f in _audited_fields(sender)]
    instance._audit_old = sender._base_manager.filter(pk=instance.pk).values(*attnames).first()


def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw:  # loaddata
        return
    new = _snapshot(sender, instance.__dict__)
    old_values = getattr(instance, "_audit_old", None)
    old = _snapshot(sender, old_values) if old_values is not None else None
    instance._audit_old = None
    if created or old is None:
        changes = {name: [None, value] for name, value in new.items() if value not in (None, "")}
        _emit(CREATE, sender, instance, changes)
    else:
        changes = {name: [old[name], value] for name, value in new.items() if old[name] != value}
        if changes:
            _emit(UPDATE, sender, instance, changes)


def _record_delete(sender, instance, **kwargs):
    old = _snapshot(sender, instance.__dict__)
    _emit(
        DELETE,
        sender,
        instance,
        {name: [value, None] for name, value in old.items() if value not in (None, "")},
    )


def _related_ids(through, m2m: models.ManyToManyField, owner_ids) -> dict[Any, list]:
    """{owner pk: sorted pks it is related to through `m2m`} for the given owners."""
    own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    related: dict[Any, list] = {pk: [] for pk in owner_ids}
    for owner, target in through._base_manager.filter(**{f"{own}__in": list(owner_ids)}).values_list(
        own, other
    ):
        related[owner].append(target)
    return {pk: sorted(targets, key=str) for pk, targets in related.items()}


def _record_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    """add/remove/set/clear on an audited model's many-to-many field, from either side: one UPDATE
    event per audited object whose set changed, {field: [ids before, ids after]}."""
    owner_model, m2m = _m2m[sender]
    phase, _, verb = action.partition("_")
    if phase == "pre":
        if not reverse:
            owners = [instance.pk]
        elif verb == "clear":  # the owners currently related to this target
            owners = list(
                sender._base_manager.filter(**{m2m.m2m_reverse_field_name(): instance.pk}).values_list(
                    m2m.m2m_field_name(), flat=True
                )
            )
        else:
            owners = list(pk_set or ())
        stack = instance.__dict__.setdefault("_audit_m2m", [])
        stack.append(_related_ids(sender, m2m, owners))
        return
    pending = instance.__dict__.get("_audit_m2m") or []
    before = pending.pop() if pending else {}
    after = _related_ids(sender, m2m, list(before))
    changed = [pk for pk in before if before[pk] != after[pk]]
    if not changed:
        return
    objects = {instance.pk: instance} if not reverse else owner_model._base_manager.in_bulk(changed)
    for pk in changed:
        owner = objects.get(pk)
        record_event(
            action=UPDATE,
            model=owner_model,
            object_id=str(pk),
            object_repr=_repr(owner) if owner is not None else f"{owner_model._meta.verbose_name} #{pk}",
            changes={m2m.name: [[_plain(v) for v in before[pk]], [_plain(v) for v in after[pk]]]},
        )


def snapshot(objs) -> dict[str, dict[str, Any]]:
    """{pk: audited field values} of rows about to be changed by a bulk write (call before changing)."""
    objs = list(objs)
    if not objs:
        return {}
    model = type(objs[0])
    return {str(obj.pk): _snapshot(model, obj.__dict__) for obj in objs}


def record_created(model, objs) -> int:
    """One CREATE event per row stored by `bulk_create` (the rows must carry their primary keys)."""
    events = []
    for obj in objs:
        values = _snapshot(model, obj.__dict__)
        changes = {name: [None, value] for name, value in values.items() if value not in (None, "")}
        events.append(_event(CREATE, model, obj, changes))
    _store(events)
    return len(events)


def record_updated(model, objs, before: dict[str, dict[str, Any]]) -> int:
    """One UPDATE event per row of a `bulk_update` whose audited fields differ from `before`."""
    events = []
    for obj in objs:
        old = before.get(str(obj.pk))
        new = _snapshot(model, obj.__dict__)
        if old is None:
            continue
        changes = {name: [old[name], value] for name, value in new.items() if old[name] != value}
        if changes:
            events.append(_event(UPDATE, model, obj, changes))
    _store(events)
    return len(events)


def _event(action: str, model, instance, changes: dict[str, list]) -> Event:
    return Event(
        action=action,
        model=model._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=_repr(instance),
        changes=_mask(model, changes),
        context=current_context(),
    )


def _store(events: list[Event]) -> None:
    if not events:
        return
    if _sink is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("audited models are registered but no audit sink: install apps.audit")
    if _sink_many is not None:
        _sink_many(events)
    else:
        for event in events:
            _sink(event)


def _mask(model, changes: dict[str, list]) -> dict[str, list]:
    hidden = masked_fields(model)
    return {
        name: [MASK if old not in (None, "") else old, MASK if new not in (None, "") else new]
        if name in hidden
        else [old, new]
        for name, (old, new) in changes.items()
    }


def _emit(action: str, model, instance, changes: dict[str, list]) -> None:
    record_event(
        action=action, model=model, object_id=str(instance.pk), object_repr=_repr(instance), changes=changes
    )


def _repr(instance) -> str:
    # __str__ is the model's business; a half-typed instance (a date still a string) must not break a save.
    try:
        return str(instance)[:200]
    except Exception:
        return f"{instance._meta.verbose_name} #{instance.pk}"


def record_event(*, action: str, model, object_id: str, object_repr: str, changes: dict[str, list]) -> None:
    """Hand one event to the sink (for writes that bypass model signals)."""
    _store(
        [
            Event(
                action=action,
                model=model._meta.label_lower,
                object_id=object_id,
                object_repr=object_repr,
                changes=_mask(model, changes),
                context=current_context(),
            )
        ]
    )


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class AuditContextMiddleware:
    """Attributes changes made while serving a request to its user, IP, path and request id.

    The request id comes from a sane `X-Request-ID` header (set by the proxy) or is generated, and is
    echoed back in the response so a user's report can be matched with the trail.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("X-Request-ID", "")
        request_id = header if _REQUEST_ID.match(header) else uuid.uuid4().hex
        path = request.path
        source = "admin" if path.startswith("/admin/") else "api" if path.startswith("/api/") else "web"
        ctx = AuditContext(
            source=source,
            request=request,
            ip=request.META.get("REMOTE_ADDR") or None,
            request_id=request_id,
            path=f"{request.method} {path}"[:300],
        )
        token = _context.set(ctx)
        try:
            response = self.get_response(request)
        finally:
            _context.reset(token)
        response["X-Request-ID"] = request_id
        return response
