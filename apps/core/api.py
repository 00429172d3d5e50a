"""Base pieces of the REST API shared by every app: permission, pagination, viewset, serializer."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ManyToManyField, ProtectedError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
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
    """Business rules raise Django's ValidationError in services; the API answers 400 with it.

    Deleting something other rows still refer to (`on_delete=PROTECT`) answers 409 and says what refers.
    """
    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(_django_errors(exc))
    if isinstance(exc, OverflowError):
        # A filter or id beyond what the database can hold (SQLite: 64-bit); found by the API fuzzer.
        exc = DRFValidationError({"detail": "A number in the request is out of range."})
    if isinstance(exc, ProtectedError):
        return Response({"detail": _protected_message(exc)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def _protected_message(exc: ProtectedError) -> str:
    counts: dict[str, int] = {}
    for obj in exc.protected_objects:
        label = str(obj._meta.verbose_name_plural)
        counts[label] = counts.get(label, 0) + 1
    refs = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
    return f"Cannot delete: still referred to by {refs}. Remove or reassign those first."


class BriefRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference that is written as a primary key and read as a brief nested object (NetBox style).

    `brief` is a small serializer (id, url and the fields a person recognises the object by); the
    viewset's queryset must `select_related` the reference so a list costs no extra query per row.
    """

    def __init__(self, brief: type[serializers.Serializer], **kwargs):
        self.brief = brief
        super().__init__(**kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_representation(self, value):
        return self.brief(value, context=self.context).data

    def get_choices(self, cutoff=None):
        # The browsable API keys its <select> by the representation; ours is a dict, so key by pk.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}


class BriefRelatedFieldSchema(OpenApiSerializerFieldExtension):
    """OpenAPI: an integer id in requests, the brief object in responses."""

    target_class = BriefRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        return auto_schema.resolve_serializer(self.target.brief, direction).ref


class SecretField(serializers.CharField):
    """A credential in the API: written, never read back (responses carry `has_<name>` instead).

    Use with an encrypted model field (apps.core.crypto); an empty value on update keeps the stored one,
    so a client that edits other fields does not wipe the secret.
    """

    def __init__(self, **kwargs):
        kwargs.update(write_only=True, required=False, allow_blank=True, trim_whitespace=False)
        kwargs.setdefault("style", {"input_type": "password"})
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        if data == "" and self.parent is not None and getattr(self.parent, "instance", None) is not None:
            raise serializers.SkipField()
        return super().run_validation(data)
