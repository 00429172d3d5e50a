from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .roles import ALL, VIEW


def _sync_roles(sender, using="default", **kwargs):
    from .roles import sync_role_groups

    sync_role_groups(using=using)


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Users and roles"
    role_permissions = {
        "admin": {"user": ALL, "auth.group": VIEW},
    }

    def ready(self) -> None:
        # Permissions of every app exist only after its own post_migrate; syncing on each one is
        # cheap and leaves the groups right at the end of any migrate.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
