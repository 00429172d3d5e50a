"""Template filters for the portal's pages: money and phone numbers as people read them."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from apps.core.money import round_kopeck
from apps.core.phones import format_phone

register = template.Library()

CURRENCY_SIGNS = {"RUB": "₽", "USD": "$", "EUR": "€"}


@register.filter
def money(amount, currency: str = "RUB") -> str:
    """`12345.5` → `12 345.50 ₽` in English, `12 345,50 ₽` in Russian (kopecks always shown).

    Thousands are grouped by a narrow no-break space, the decimal mark is the active language's
    (telephony_portal/formats/<lang>/formats.py); a no-break space keeps the sign with the amount.
    """
    if amount is None or amount == "":
        return "—"
    value = round_kopeck(Decimal(amount))
    text = number_format(value, 2, use_l10n=True, force_grouping=True)
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


@register.filter
def accessible_field(field):
    """Render a bound form field; when it has errors, mark it invalid and point it at its error text."""
    if not field.errors:
        return field.as_widget()
    return field.as_widget(
        attrs={"aria-invalid": "true", "aria-describedby": f"{field.auto_id or field.html_name}-errors"}
    )


@register.simple_tag(takes_context=True)
def current_page(context, url_name: str, exact: bool = False, unless: str = "") -> str:
    """` aria-current="page"` on the navigation link of the page being shown (and its sub-pages)."""
    request = context.get("request")
    if request is None:
        return ""
    url = reverse(url_name)
    path = request.path
    if unless and path.startswith(reverse(unless)):
        return ""
    hit = path == url if exact or url == "/" else path.startswith(url)
    return mark_safe(' aria-current="page"') if hit else ""
