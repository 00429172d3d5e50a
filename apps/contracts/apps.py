from django.apps import AppConfig

from apps.accounts.roles import ALL, VIEW

# The paperwork is the lawyer's; the money in it (tariffs, rates, charges) is accounting's.
LEGAL_MODELS = ("contract", "contractparty", "contractdocument", "contractnumber", "contractline")
MONEY_MODELS = ("tariff", "rate", "recurringcharge")


class ContractsConfig(AppConfig):
    name = "apps.contracts"
    label = "contracts"
    verbose_name = "Contracts"
    role_permissions = {
        "admin": {"*": ALL},
        "lawyer": {"*": VIEW, **dict.fromkeys(LEGAL_MODELS, ALL)},
        "accounting": {"*": VIEW, **dict.fromkeys(MONEY_MODELS, ALL)},
        "marketer": {"*": VIEW},
    }
