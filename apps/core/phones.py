"""Phone number helpers: everything we store is E.164; people type national forms."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return `raw` as E.164 (`+78432000000`), or raise ValidationError saying why not.

    Accepts `8 (843) 200-00-00`, `+7 843 200 00 00`, `7843…`, `8-800-…` (Russian trunk prefix 8).
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("A phone number is required."), code="required")
    digits = "".join(ch for ch in text if ch.isdigit())
    region = region or settings.PORTAL_DEFAULT_REGION
    if not text.startswith("+") and len(digits) == 11 and digits[0] == "7":
        text = "+" + digits  # 7XXXXXXXXXX written without the plus
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("%(value)s is not a phone number (%(reason)s)."),
            code="invalid",
            params={"value": raw, "reason": str(exc).split(". ", 1)[-1]},
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("%(value)s is not a valid phone number."), code="invalid", params={"value": raw}
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """Human form for display: `+7 843 200-00-00`."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class E164Field(models.CharField):
    """A phone number kept in E.164; national input is normalised on validation and in lookups."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 16:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, ""):
            return value
        return normalize_phone(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        try:
            return normalize_phone(value)
        except ValidationError:
            return value  # a lookup for something that is not a number simply finds nothing
