from django.apps import AppConfig

from apps.accounts.roles import ALL, VIEW


class CompanyConfig(AppConfig):
    name = "apps.company"
    label = "company"
    verbose_name = "Company structure"
    role_permissions = {
        "admin": {"*": ALL},
        "accounting": {"*": VIEW},
        "marketer": {"*": VIEW},
        "lawyer": {"city": VIEW, "department": VIEW},
    }
