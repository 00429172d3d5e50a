"""Workbook sheets of the contracts app (django-import-export), keyed by natural keys.

References are written the way people know things: a contract by its code, a tariff by its code, a
line by its name, a number in any usual form (+7 843 …, 8 843 …), a department by its code, a
provider by its name. `vat_rate` is in percent (22).
"""

from __future__ import annotations

from django.core.exceptions import MultipleObjectsReturned, ValidationError
from import_export import fields, resources, widgets

from apps.company.models import Department
from apps.telecom.models import Line, PbxAccount, PhoneNumber, Provider

from .models import Contract, ContractLine, ContractNumber, ContractParty, Rate, RecurringCharge, Tariff

PARTY_ROLE_BY_PROVIDER_KIND = {
    Provider.Kind.OPERATOR: ContractParty.Role.OPERATOR,
    Provider.Kind.RESELLER: ContractParty.Role.OPERATOR,
    Provider.Kind.PBX_PROVIDER: ContractParty.Role.PBX_PROVIDER,
}


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A reference by natural key; an unknown or ambiguous key is a row error that names it."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"no {self.model._meta.verbose_name} with {self.field} {value!r}") from None
        except MultipleObjectsReturned:
            raise ValueError(f"{value!r} matches several {self.model._meta.verbose_name_plural}") from None
        except ValidationError as exc:  # e.g. a number that is not a phone number
            raise ValueError(" ".join(exc.messages)) from None


def ref(attribute: str, model, key: str, column: str | None = None) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=column or attribute, widget=NaturalKeyWidget(model, key)
    )


class PortalResource(resources.ModelResource):
    """Shared options: model rules run on every row (clean_model_instances), unchanged rows are skipped."""

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def import_data(self, dataset, **kwargs):
        # All or nothing: one invalid row rolls back the good ones too (nothing half-imported).
        kwargs.setdefault("rollback_on_validation_errors", True)
        kwargs.setdefault("use_transactions", True)
        return super().import_data(dataset, **kwargs)


class ContractResource(PortalResource):
    parent = ref("parent", Contract, "code")
    provider = fields.Field(column_name="provider", dehydrate_method="dehydrate_provider")

    class Meta(PortalResource.Meta):
        model = Contract
        import_id_fields = ("code",)
        fields = (
            "code",
            "provider",
            "kind",
            "parent",
            "start_date",
            "end_date",
            "currency",
            "vat_rate",
            "title",
            "status",
            "signed_on",
            "initial_term_months",
            "renewal",
            "renewal_term_months",
            "notice_days",
        )
        export_order = fields

    def get_queryset(self):
        return Contract.objects.select_related("parent").prefetch_related("parties__provider")

    def dehydrate_provider(self, contract) -> str:
        names = [p.provider.name for p in contract.parties.all() if p.provider_id]
        return names[0] if names else ""

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        name = str(row.get("provider") or "").strip()
        instance._workbook_provider = None
        if name:
            provider = Provider.objects.filter(name=name).first()
            if provider is None:
                errors["provider"] = [ValidationError(f"no provider named {name!r}")]
            else:
                instance._workbook_provider = provider
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        provider = getattr(instance, "_workbook_provider", None)
        if provider is not None and instance.pk:
            ContractParty.objects.get_or_create(
                contract=instance, provider=provider, role=PARTY_ROLE_BY_PROVIDER_KIND[provider.kind]
            )


class ContractNumberResource(PortalResource):
    contract = ref("contract", Contract, "code")
    number = ref("number", PhoneNumber, "number")

    class Meta(PortalResource.Meta):
        model = ContractNumber
        import_id_fields = ("contract", "number", "valid_from")
        fields = ("contract", "number", "valid_from", "valid_to")
        export_order = fields

    def get_queryset(self):
        return ContractNumber.objects.select_related("contract", "number")


class ContractLineResource(PortalResource):
    contract = ref("contract", Contract, "code")
    line = ref("line", Line, "name")

    class Meta(PortalResource.Meta):
        model = ContractLine
        import_id_fields = ("contract", "line", "valid_from")
        fields = ("contract", "line", "valid_from", "valid_to")
        export_order = fields

    def get_queryset(self):
        return ContractLine.objects.select_related("contract", "line")


class TariffResource(PortalResource):
    contract = ref("contract", Contract, "code")

    class Meta(PortalResource.Meta):
        model = Tariff
        import_id_fields = ("code",)
        fields = (
            "code",
            "contract",
            "name",
            "valid_from",
            "valid_to",
            "increment",
            "free_seconds",
            "included_minutes",
            "currency",
        )
        export_order = fields

    def get_queryset(self):
        return Tariff.objects.select_related("contract")


class RateResource(PortalResource):
    tariff = ref("tariff", Tariff, "code")

    class Meta(PortalResource.Meta):
        model = Rate
        import_id_fields = ("tariff", "prefix")
        fields = ("tariff", "prefix", "destination", "price_per_minute", "connection_fee")
        export_order = fields
        use_bulk = False

    def get_queryset(self):
        return Rate.objects.select_related("tariff")


class RecurringChargeResource(PortalResource):
    contract = ref("contract", Contract, "code")
    line = ref("line", Line, "name")
    pbx_account = ref("pbx_account", PbxAccount, "account_id")
    department = ref("department", Department, "code")
    number = ref("number", PhoneNumber, "number")

    class Meta(PortalResource.Meta):
        model = RecurringCharge
        import_id_fields = ("contract", "name", "valid_from")
        fields = (
            "contract",
            "name",
            "kind",
            "amount",
            "currency",
            "period",
            "line",
            "pbx_account",
            "department",
            "number",
            "valid_from",
            "valid_to",
        )
        export_order = fields

    def get_queryset(self):
        return RecurringCharge.objects.select_related(
            "contract", "line", "pbx_account", "department", "number"
        )
