from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "apps.risk"
    label = "risk"
    verbose_name = "Contract risk"
    # No models yet: the findings and review models arrive with the contracts integration (issue 6, part 2).
    role_permissions: dict = {}
