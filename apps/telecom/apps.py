from django.apps import AppConfig

from apps.accounts.roles import ALL, VIEW


class TelecomConfig(AppConfig):
    name = "apps.telecom"
    label = "telecom"
    verbose_name = "Telecom inventory"
    role_permissions = {
        "admin": {"*": ALL},
        "accounting": {"*": VIEW},
        # The marketer decides how calls are answered: call routes are theirs to change.
        "marketer": {"*": VIEW, "callroute": ALL},
        "lawyer": {
            "provider": VIEW,
            "phonenumber": VIEW,
            "numberassignment": VIEW,
            "line": VIEW,
            "pbxaccount": VIEW,
        },
    }
