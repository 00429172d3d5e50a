from __future__ import annotations

from rest_framework import serializers

from apps.billing.models import Budget, RatedCall
from apps.billing.rating import Month
from apps.company.models import Department
from apps.core.api import CleanModelSerializer


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
