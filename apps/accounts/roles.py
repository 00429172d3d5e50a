"""The four roles and what each may do.

Every app declares, on its AppConfig, `role_permissions = {role: {model: actions}}` where `model` is
one of the app's model names, `"*"` for all of them, or `"app_label.model"` for another app's model.
`sync_role_groups()` turns the union of those declarations into exactly the permissions of four groups;
it runs after every migrate, so a new app's permissions reach the roles without a hand-made migration.
"""

from __future__ import annotations

from django.apps import apps as django_apps
from django.db import models
from django.utils.translation import gettext_lazy as _

ALL = ("view", "add", "change", "delete")
VIEW = ("view",)


class Role(models.TextChoices):
    ACCOUNTING = "accounting", _("Accounting")
    MARKETER = "marketer", _("Marketer")
    LAWYER = "lawyer", _("Lawyer")
    ADMIN = "admin", _("Admin")


GROUP_NAMES: dict[str, str] = {
    Role.ACCOUNTING: "Accounting",
    Role.MARKETER: "Marketer",
    Role.LAWYER: "Lawyer",
    Role.ADMIN: "Admin",
}
ROLE_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}


def declared_permissions(app_configs=None) -> dict[str, set[str]]:
    """{role: {"app_label.codename", …}} from every app's `role_permissions`."""
    result: dict[str, set[str]] = {role: set() for role in Role.values}
    for config in app_configs or django_apps.get_app_configs():
        declared = getattr(config, "role_permissions", None) or {}
        for role, grants in declared.items():
            if role not in result:
                raise ValueError(f"{config.label}.role_permissions names unknown role {role!r}")
            for model_key, actions in grants.items():
                for app_label, model_name in _expand_models(config, model_key):
                    for action in actions:
                        result[role].add(f"{app_label}.{action}_{model_name}")
    return result


def _expand_models(config, model_key: str):
    if model_key == "*":
        return [(config.label, m._meta.model_name) for m in config.get_models()]
    if "." in model_key:
        app_label, model_name = model_key.split(".", 1)
        return [(app_label, model_name)]
    return [(config.label, model_key)]


def sync_role_groups(using: str = "default") -> None:
    """Make the four groups hold exactly the declared permissions (idempotent)."""
    Group = django_apps.get_model("auth", "Group")
    Permission = django_apps.get_model("auth", "Permission")
    wanted = declared_permissions()
    for role, group_name in GROUP_NAMES.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        codes = wanted[role]
        by_app: dict[str, list[str]] = {}
        for code in codes:
            app_label, codename = code.split(".", 1)
            by_app.setdefault(app_label, []).append(codename)
        perm_ids = []
        for app_label, codenames in by_app.items():
            perm_ids += list(
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename__in=codenames)
                .values_list("pk", flat=True)
            )
        group.permissions.set(perm_ids)
