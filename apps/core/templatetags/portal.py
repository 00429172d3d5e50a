"""Template filters for the portal's pages: money and phone numbers as people read them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from apps.core.money import round_kopeck
from apps.core.phones import format_phone

register = template.Library()

CURRENCY_SIGNS = {"RUB": "₽", "USD": "$", "EUR": "€"}


@register.filter
def money(amount, currency: str = "RUB") -> str:
    """`12345.5` → `12 345.50 ₽` (a narrow no-break space between thousands, kopecks always shown)."""
    if amount is None or amount == "":
        return "—"
    value = round_kopeck(Decimal(amount))
    text = f"{value:,.2f}".replace(",", "\u202f")
    return f"{text}\u00a0{CURRENCY_SIGNS.get(currency, currency)}"


@register.filter
def phone(e164: str) -> str:
    return format_phone(e164) if e164 else ""


@register.simple_tag
def fees_text(fees: dict) -> str:
    """A {currency: amount} total as text, one amount per currency; nothing → 0.00 ₽."""
    if not fees:
        return money(Decimal("0"))
    return " + ".join(money(amount, currency) for currency, amount in sorted(fees.items()))
