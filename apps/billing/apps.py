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
        # Invoices (issue 7): the lawyer reads them and writes disputes (the claim letter is a legal act)
        # and rules on suspected price changes; the marketer has no business with operators' bills
        # (a debt shows on the migration plan as a blocker, which needs no invoice permission).
        "lawyer": {
            "invoice": VIEW,
            "invoiceline": VIEW,
            "invoiceterms": VIEW,
            "dispute": ("view", "add", "change"),
            "pricechange": ("view", "change"),
        },
    }
