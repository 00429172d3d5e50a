"""What needs attention today: the dashboard's list, filled by every app through `apps/<app>/attention.py`.

An app that has something a person should act on today exposes, in `apps/<app>/attention.py`::

    def items(*, user, today) -> Iterable[AttentionItem]:
        if not user.has_perm("contracts.view_contract"):
            return []
        n = Contract.objects.notice_deadline_within(days=30).count()
        return [AttentionItem(key="contracts.deadlines", title=_("Notice deadlines in 30 days"), count=n,
                              url=reverse("contracts:contract-list") + "?deadline=30",
                              severity=AttentionItem.Severity.DANGER, roles=("lawyer", "admin"))]

`attention_items(user)` asks every installed app in INSTALLED_APPS order (core never imports a later
app: it only discovers modules), drops items with a zero count or for other roles, and sorts the rest
by severity. An app checks its own permissions: the registry cannot know which model an item reads.
Slots planned for later apps (docs/ui.md): contract deadlines, open risks, unrated calls, missed calls.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class AttentionItem:
    """One thing to look at today: "3 numbers have nobody holding them", with where to go to act."""

    class Severity(models.IntegerChoices):
        DANGER = 0, _("Act now")
        WARNING = 1, _("Check soon")
        INFO = 2, _("For information")

    key: str  # "telecom.unassigned": stable, for tests and for hiding an item later
    title: str
    count: int
    url: str
    severity: Severity = Severity.WARNING
    detail: str = ""
    roles: tuple[str, ...] = field(default=())  # empty = everyone who passes the app's permission check

    @property
    def severity_label(self) -> str:
        return str(self.Severity(self.severity).label)

    @property
    def css_class(self) -> str:
        return {0: "danger", 1: "warning", 2: "info"}[int(self.severity)]


def attention_modules() -> Iterator[tuple[str, ModuleType]]:
    """Each installed app's `attention` module that has `items(*, user, today)`, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        name = f"{config.name}.attention"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if callable(getattr(module, "items", None)):
            yield config.label, module


def _for_user(item: AttentionItem, user) -> bool:
    if not item.roles or user.is_superuser:
        return True
    held = set(user.role_names()) if hasattr(user, "role_names") else set()
    return bool(held & set(item.roles))


def attention_items(user, *, today: dt.date | None = None) -> list[AttentionItem]:
    """Everything that needs `user`'s attention today, most urgent first (ties keep app order)."""
    today = today or timezone.localdate()
    found: list[AttentionItem] = []
    for _label, module in attention_modules():
        items: Iterable[AttentionItem] = module.items(user=user, today=today)
        found += [item for item in items if item.count > 0 and _for_user(item, user)]
    return sorted(found, key=lambda item: int(item.severity))
