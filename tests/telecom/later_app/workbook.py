from apps.telecom.resources import ProviderResource


class SuppliersResource(ProviderResource):
    """Same table as providers, under another sheet name: enough to prove discovery reaches later apps."""


SHEETS = [("suppliers", SuppliersResource)]
