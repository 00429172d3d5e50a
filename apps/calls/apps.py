from django.apps import AppConfig

from apps.accounts.roles import ALL, VIEW


class CallsConfig(AppConfig):
    name = "apps.calls"
    label = "calls"
    verbose_name = "Calls"
    role_permissions = {
        "admin": {"*": ALL},
        # Accounting and marketing read calls and the runs that brought them, and may upload a file
        # (which creates a run); sources and their credentials are configured by the admin only.
        "accounting": {
            "callrecord": VIEW,
            "importrun": (*VIEW, "add"),
            "quarantinedrow": VIEW,
            "source": VIEW,
        },
        "marketer": {"callrecord": VIEW, "importrun": (*VIEW, "add"), "quarantinedrow": VIEW, "source": VIEW},
    }
