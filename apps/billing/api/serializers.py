from __future__ import annotations

from rest_framework import serializers

from apps.billing.models import Budget, Dispute, Invoice, InvoiceLine, RatedCall
from apps.billing.rating import Month
from apps.company.models import Department
from apps.contracts.models import Contract
from apps.core.api import CleanModelSerializer
from apps.telecom.models import Provider


class RatedCallSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    contract = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tariff = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = serializers.DateField(source="period", format="%Y-%m", read_only=True)
    caller = serializers.CharField(source="call.caller", read_only=True)
    callee = serializers.CharField(source="call.callee", read_only=True)
    billsec = serializers.IntegerField(source="call.billsec", read_only=True)

    class Meta:
        model = RatedCall
        fields = [
            "call",
            "month",
            "started_at",
            "caller",
            "callee",
            "billsec",
            "department",
            "status",
            "call_type",
            "contract",
            "tariff",
            "destination",
            "prefix",
            "billed_seconds",
            "included_seconds",
            "cost",
            "currency",
            "vat_rate",
            "reason",
            "rated_at",
        ]
        read_only_fields = fields


class BudgetSerializer(CleanModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    month = serializers.CharField(help_text="YYYY-MM", write_only=True)
    period = serializers.DateField(format="%Y-%m", read_only=True)

    class Meta:
        model = Budget
        fields = ["id", "department", "month", "period", "amount", "currency", "note"]

    def validate_month(self, value):
        try:
            return Month.parse(value).first_day
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate(self, attrs):
        if "month" in attrs:
            attrs["period"] = attrs.pop("month")
        department = attrs.get("department", getattr(self.instance, "department", None))
        period = attrs.get("period", getattr(self.instance, "period", None))
        clash = Budget.objects.filter(department=department, period=period)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if department is not None and period is not None and clash.exists():
            raise serializers.ValidationError(
                {"month": f"{department.code} already has a budget for {period:%Y-%m}; change that one."}
            )
        return super().validate(attrs)


class CostReportQuerySerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    rebuild = serializers.BooleanField(default=False, help_text="rebuild from the stored ratings first")

    def validate_month(self, value):
        try:
            return Month.parse(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


# --- Invoices (issue 7) -------------------------------------------------------------------------


class InvoiceSerializer(CleanModelSerializer):
    """An operator invoice; totals are as the operator wrote them (import computes them from lines)."""

    provider = serializers.SlugRelatedField(slug_field="name", queryset=Provider.objects.all())
    contract = serializers.SlugRelatedField(slug_field="code", queryset=Contract.objects.all())
    month = serializers.CharField(help_text="YYYY-MM", write_only=True)
    period = serializers.DateField(format="%Y-%m", read_only=True)
    days_left = serializers.SerializerMethodField(help_text="calendar days to the last day to dispute")
    clock = serializers.SerializerMethodField(
        help_text="running, stopped, deemed_accepted, no_window, settled"
    )
    penalty = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "provider",
            "contract",
            "number",
            "issue_date",
            "received_date",
            "month",
            "period",
            "due_date",
            "currency",
            "net",
            "vat",
            "gross",
            "status",
            "dispute_by",
            "days_left",
            "clock",
            "penalty",
            "paid_on",
            "price_change_suspected",
            "checked_at",
            "notes",
        ]
        read_only_fields = ["dispute_by", "price_change_suspected", "checked_at", "status", "paid_on"]

    def validate_month(self, value):
        try:
            return Month.parse(value).first_day
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate(self, attrs):
        if "month" in attrs:
            attrs["period"] = attrs.pop("month")
        elif self.instance is None:
            raise serializers.ValidationError({"month": "This field is required."})
        return super().validate(attrs)

    def _clock(self, obj):
        from apps.billing.invoices.services import invoice_clock

        return invoice_clock(obj)

    def get_days_left(self, obj) -> int | None:
        return self._clock(obj).days_left

    def get_clock(self, obj) -> str:
        return self._clock(obj).state

    def get_penalty(self, obj) -> dict:
        from apps.billing.invoices.services import invoice_penalty

        fine = invoice_penalty(obj)
        return {
            "days_late": fine.days_late,
            "accrued": str(fine.accrued),
            "per_day": str(fine.per_day),
            "cap": None if fine.cap is None else str(fine.cap),
            "capped": fine.capped,
        }


class InvoiceLineSerializer(CleanModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "invoice",
            "row",
            "kind",
            "service",
            "number",
            "destination",
            "period_start",
            "period_end",
            "started_at",
            "callee",
            "duration",
            "quantity",
            "amount",
        ]


class DisputeSerializer(serializers.ModelSerializer):
    """Create = a draft with its letter generated from the invoice's discrepancies (amount optional:
    the disputable sum); `send` and `resolve` move it on."""

    class Meta:
        model = Dispute
        fields = [
            "id",
            "invoice",
            "reason",
            "amount",
            "letter",
            "status",
            "sent_on",
            "credit_received",
            "resolved_on",
            "created_at",
        ]
        read_only_fields = ["status", "sent_on", "credit_received", "resolved_on", "created_at"]
        extra_kwargs = {"reason": {"required": False}, "amount": {"required": False}}


class DisputeSendSerializer(serializers.Serializer):
    sent_on = serializers.DateField(required=False)


class DisputeResolveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["credited", "rejected", "withdrawn"])
    credit = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default="0.00")
    resolved_on = serializers.DateField(required=False)


class InvoicePaySerializer(serializers.Serializer):
    paid_on = serializers.DateField(required=False)
