"""Which department a call belonged to on its day: its extension's, else our number's, else none.

Loaded once per run into dicts (a few thousand effective-dated rows at most), so attributing a
call is a dict probe and a short scan, never a query per call.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

from apps.telecom.models import Extension, Line, NumberAssignment, PhoneNumber

Period = tuple[dt.date, dt.date | None, int]


def _pick(periods: list[Period], day: dt.date) -> int | None:
    for start, end, department_id in periods:
        if start <= day and (end is None or day < end):
            return department_id
    return None


class Attributor:
    def __init__(self, *, timezone: str, pbx_account_id: int | None = None):
        self.tz = zoneinfo.ZoneInfo(timezone)
        self.extensions: dict[str, list[Period]] = defaultdict(list)
        extensions = Extension.objects.all()
        if pbx_account_id is not None:
            extensions = extensions.filter(pbx_account_id=pbx_account_id)
        for ext, start, end, dept in extensions.values_list(
            "extension", "valid_from", "valid_to", "department_id"
        ):
            self.extensions[ext].append((start, end, dept))
        self.numbers: dict[str, int] = dict(PhoneNumber.objects.values_list("number", "pk"))
        self.assignments: dict[int, list[Period]] = defaultdict(list)
        for number_id, start, end, dept in NumberAssignment.objects.values_list(
            "number_id", "valid_from", "valid_to", "department_id"
        ):
            self.assignments[number_id].append((start, end, dept))
        self.lines: dict[str, int] = {
            trunk: pk for trunk, pk in Line.objects.exclude(trunk_id="").values_list("trunk_id", "pk")
        }

    def number_id(self, e164: str) -> int | None:
        return self.numbers.get(e164) if e164 else None

    def line_id(self, trunk: str) -> int | None:
        return self.lines.get(trunk) if trunk else None

    def department_id(self, started_at: dt.datetime, extension: str, number_id: int | None) -> int | None:
        # The call's local day is worked out only when there is something to look up on it.
        if (extension and extension in self.extensions) or (
            number_id is not None and number_id in self.assignments
        ):
            return self.department_on(started_at.astimezone(self.tz).date(), extension, number_id)
        return None

    def department_on(self, day: dt.date, extension: str, number_id: int | None) -> int | None:
        """department_id() for a call whose local day is already known (the COPY fast path)."""
        if extension:
            periods = self.extensions.get(extension)
            if periods:
                found = _pick(periods, day)
                if found is not None:
                    return found
        if number_id is not None:
            periods = self.assignments.get(number_id)
            if periods:
                return _pick(periods, day)
        return None
