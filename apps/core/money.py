"""Money: Decimal, exact to the kopeck, with a currency code next to it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

KOPECK = Decimal("0.01")
CURRENCIES = [("RUB", "RUB"), ("USD", "USD"), ("EUR", "EUR")]


def to_money(value) -> Decimal:
    """Parse a money amount written with a dot ("1234.50"); floats are refused (they are not exact)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(
                _("%(value)s is not an amount of money (write it with a dot: 1234.50)."),
                params={"value": value},
            ) from exc
    if not amount.is_finite():
        raise ValidationError(_("%(value)s is not an amount of money."), params={"value": value})
    return amount


def round_kopeck(amount: Decimal) -> Decimal:
    return amount.quantize(KOPECK, rounding=ROUND_HALF_UP)


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("default", Decimal("0.00"))
    return models.DecimalField(verbose_name, **kwargs)


def currency_field(**kwargs) -> models.CharField:
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("choices", CURRENCIES)
    kwargs.setdefault("default", "RUB")
    return models.CharField(_("currency"), **kwargs)
