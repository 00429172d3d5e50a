from django.apps import AppConfig

from apps.accounts.roles import ALL, VIEW


class BillingConfig(AppConfig):
    name = "apps.billing"
    label = "billing"
    verbose_name = "Billing and cost reports"
    role_permissions = {
        "admin": {"*": ALL},
        # Accounting owns the figures: it rates, rebuilds reports and sets budgets.
        "accounting": {"*": ALL},
        # Marketing reads the reports (costs per salon feed the rollout decisions), nothing else.
        "marketer": {"costreport": VIEW, "costreportline": VIEW, "budget": VIEW},
    }
