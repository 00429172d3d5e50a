"""Date and time helpers: store UTC, show in the city's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("%(value)s is not a time zone name (e.g. Europe/Moscow)."), params={"value": value}
        ) from exc


def in_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def parse_iso_date(value, field: str = "date") -> dt.date | None:
    """Parse YYYY-MM-DD (or pass a date through); blank gives None."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a date in the form YYYY-MM-DD."), params={"value": value}
        ) from exc
