"""Helpers for the demo-data modules (apps/<app>/demo.py): idempotent writes keyed by natural keys."""

from __future__ import annotations

from django.db import models


def upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Get the row matching `lookup` and bring it to `values`; create it if missing.

    Saves only when something differs, so seeding twice leaves every row — and its `updated_at` —
    as it was. Returns (row, changed).
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
    return obj, bool(changed)
