from django.apps import AppConfig

from apps.accounts.roles import ALL, VIEW


class RiskConfig(AppConfig):
    name = "apps.risk"
    label = "risk"
    verbose_name = "Contract risk"
    # The review is the lawyer's. A decision is only ever added (history), never changed or deleted; a
    # finding is "changed" only by deciding on it. Accounting and the marketer read the register.
    role_permissions = {
        "lawyer": {
            "riskfinding": ("view", "change"),
            "findingdecision": ("view", "add"),
            "documentscan": ("view", "add"),
            "riskpolicysetting": ALL,
            "extractedterm": ("view", "change"),
        },
        "admin": {
            "riskfinding": ("view", "change"),
            "findingdecision": ("view", "add"),
            "documentscan": ("view", "add"),
            "riskpolicysetting": ALL,
            "extractedterm": ("view", "change"),
        },
        "accounting": {"riskfinding": VIEW},
        "marketer": {"riskfinding": VIEW},
    }

    def ready(self):
        from . import signals  # noqa: F401  (queues the scan of every new document version)
