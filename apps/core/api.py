"""Base pieces of the REST API shared by every app: permission, pagination, viewset, serializer."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ManyToManyField
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.views import exception_handler as drf_exception_handler


class ScopedQuerysetMixin:
    """The queryset is scoped to what the user may see, so objects outside it are 404, not 403."""

    def get_queryset(self):
        qs = super().get_queryset()
        visible_to = getattr(qs, "visible_to", None)
        return visible_to(self.request.user) if visible_to else qs


class PortalModelViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """CRUD over one model."""


class PortalReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only access to one model (call records, reports, findings)."""


class CleanModelSerializer(serializers.ModelSerializer):
    """Runs the model's own `clean()` so API writes obey the same rules as admin and imports."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = self.instance or model()
        plain = {k: v for k, v in attrs.items() if not isinstance(model._meta.get_field(k), ManyToManyField)}
        for key, value in plain.items():
            setattr(instance, key, value)
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise DRFValidationError(_django_errors(exc)) from exc
        return attrs


def _django_errors(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    """Business rules raise Django's ValidationError in services; the API answers 400 with it."""
    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(_django_errors(exc))
    return drf_exception_handler(exc, context)
