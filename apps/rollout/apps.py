from django.apps import AppConfig

from apps.accounts.roles import ALL, VIEW


class RolloutConfig(AppConfig):
    name = "apps.rollout"
    label = "rollout"
    verbose_name = "Rollout and migration"
    # The marketer runs the rollout and the migration plan; the admin backs them up. Accounting and the
    # lawyer follow the plan (costs moved, contracts needed) but do not change it.
    role_permissions = {
        "admin": {"*": ALL},
        "marketer": {"*": ALL},
        "accounting": {"*": VIEW},
        "lawyer": {"*": VIEW},
    }
