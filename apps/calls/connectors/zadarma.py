"""Zadarma: `/v1/statistics/` (carrier billing: cost per call) and `/v1/statistics/pbx/` (extensions).

Auth header `Authorization: <key>:<signature>`: the sorted, RFC 1738-encoded query (with
format=json) is signed as `path + query + md5(query)` with HMAC-SHA1, and the *hex digest* is
base64-encoded. Statistics allow at most one month per request, 1000 rows per page (skip/limit),
and 3 requests a minute (HTTP 429 beyond): the connector spaces its requests and, on a 429, waits
as told and tries again a few times before giving the retry to Celery. Times are in the account's
time zone (the source's PBX time zone).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import IO

from .base import (
    UTC,
    CallRow,
    Connector,
    ConnectorError,
    ConnectorUnavailable,
    Rejected,
    RowInvalid,
    is_e164,
    normalise_party,
    parse_decimal,
    parse_int,
    register,
)
from .http import request

PAGE = 1000
WINDOW = dt.timedelta(days=28)  # "at most one month" whatever the month
DISPOSITIONS = {
    "answered": "answered",
    "busy": "busy",
    "cancel": "cancelled",
    "no answer": "no_answer",
    "call failed": "failed",
}


def zadarma_signature(path: str, params: dict, secret: str) -> tuple[str, str]:
    """(query string, signature) exactly as the official client computes them."""
    query = urllib.parse.urlencode(sorted(params.items()))
    data = path + query + hashlib.md5(query.encode()).hexdigest()  # the protocol says md5
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest()
    return query, base64.b64encode(digest.encode()).decode()


@register
class ZadarmaConnector(Connector):
    slug = "zadarma"
    label = "Zadarma API (statistics, PBX statistics)"
    can_pull = True
    max_window = WINDOW

    def __init__(self, context, *, source=None):
        super().__init__(context, source=source)
        self.sleep = time.sleep
        self.min_interval = float(self.settings.get("min_request_interval", 20.0))  # 3 a minute
        self.retries_429 = int(self.settings.get("retries_on_429", 3))
        self._last_request = 0.0

    @property
    def base_url(self) -> str:
        return ((self.source.url if self.source else "") or "https://api.zadarma.com").rstrip("/")

    def _get(self, path: str, params: dict) -> dict:
        if self.source is None or not self.source.login or not self.source.secret:
            raise ConnectorError("zadarma needs the API key (login) and secret of the source")
        params = {**{k: str(v) for k, v in params.items()}, "format": "json"}
        query, signature = zadarma_signature(path, params, self.source.secret)
        headers = {"Authorization": f"{self.source.login}:{signature}"}
        for attempt in range(self.retries_429 + 1):
            wait = self.min_interval - (time.monotonic() - self._last_request)
            if wait > 0:
                self.sleep(wait)
            self._last_request = time.monotonic()
            try:
                body = request("GET", f"{self.base_url}{path}?{query}", headers=headers).json()
            except ConnectorUnavailable as exc:
                if exc.retry_after is None or attempt == self.retries_429:  # only a 429 carries retry_after
                    raise
                self.sleep(min(exc.retry_after, 120.0))
                continue
            if body.get("status") != "success":
                raise ConnectorError(f"Zadarma refused {path}: {body.get('message') or body}")
            return body
        raise ConnectorUnavailable("Zadarma kept answering 429")  # pragma: no cover - loop returns or raises

    def _windows(self, start: dt.datetime, end: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        while start < end:
            stop = min(end, start + WINDOW)
            yield start, stop
            start = stop

    def _local(self, moment: dt.datetime) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")

    def pull(self, *, start: dt.datetime, end: dt.datetime) -> Iterator[list[CallRow | Rejected]]:
        pbx = self.settings.get("method") == "pbx"
        for window_start, window_end in self._windows(start, end):
            kinds = ["in", "out"] if pbx else [None]
            for call_type in kinds:
                skip = 0
                while True:
                    params = {"start": self._local(window_start), "end": self._local(window_end)}
                    params.update(skip=skip, limit=PAGE)
                    if pbx:
                        params.update(version=2, call_type=call_type)
                        items = self._get("/v1/statistics/pbx/", params).get("stats") or []
                        yield [
                            self._pbx_row(item, call_type, n) for n, item in enumerate(items, start=skip + 1)
                        ]
                    else:
                        items = self._get("/v1/statistics/", params).get("stats") or []
                        yield [self._stat_row(item, n) for n, item in enumerate(items, start=skip + 1)]
                    if len(items) < PAGE:
                        break
                    skip += PAGE

    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        """A saved answer of /v1/statistics/ (or /pbx/ with settings.method = pbx), for backfill."""
        try:
            body = json.load(stream)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConnectorError(f"not a saved Zadarma JSON answer ({exc})") from exc
        items = body.get("stats") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise ConnectorError("a saved Zadarma answer has a list under 'stats'")
        pbx = self.settings.get("method") == "pbx"
        for n, item in enumerate(items, start=1):
            if pbx:
                yield self._pbx_row(item, item.get("call_type", "in") if isinstance(item, dict) else "in", n)
            else:
                yield self._stat_row(item, n)

    def _parse_start(self, item: dict) -> dt.datetime:
        text = str(item.get("callstart") or "")
        try:
            return dt.datetime.fromisoformat(text).replace(tzinfo=self.tz).astimezone(UTC)
        except ValueError:
            raise RowInvalid(f"callstart: {text!r} is not YYYY-MM-DD HH:MM:SS") from None
        except OverflowError:
            raise RowInvalid(f"callstart: {text!r} is out of range") from None

    def _stat_row(self, item, n: int) -> CallRow | Rejected:
        try:
            if not isinstance(item, dict) or not item.get("id"):
                raise RowInvalid("a statistics item without an id")
            started = self._parse_start(item)
            seconds = parse_int(str(item.get("billseconds", "")), "billseconds")
            raw_disposition = str(item.get("disposition") or "")
            caller = normalise_party(str(item.get("from") or ""))
            callee = normalise_party(str(item.get("to") or ""))
            cost = parse_decimal(
                str(item.get("billcost") if item.get("billcost") is not None else ""), "billcost"
            )
            return CallRow(
                started_at=started,
                ended_at=started + dt.timedelta(seconds=seconds),
                answered_at=started if seconds else None,
                duration=seconds,
                billsec=seconds,
                direction="out",
                disposition=DISPOSITIONS.get(raw_disposition, "answered" if seconds else "failed"),
                raw_disposition=raw_disposition[:64],
                caller=caller,
                callee=callee,
                our_number=caller if is_e164(caller) else "",
                extension=str(item.get("sip") or "")[:16],
                external_id=f"stat:{item['id']}"[:160],
                provider_cost=cost,
                currency=str(item.get("currency") or "")[:3] if cost is not None else "",
                raw=item,
                line=n,
            )
        except RowInvalid as exc:
            return Rejected(n, exc.messages[0], json.dumps(item, ensure_ascii=False, default=str)[:2000])
        except OverflowError:  # a start at the end of the calendar plus the call's seconds
            reason = "callstart plus the call's seconds is out of range"
            return Rejected(n, reason, json.dumps(item, ensure_ascii=False, default=str)[:2000])

    def _pbx_row(self, item, call_type: str, n: int) -> CallRow | Rejected:
        try:
            if not isinstance(item, dict) or not item.get("call_id"):
                raise RowInvalid("a PBX statistics item without a call_id")
            started = self._parse_start(item)
            seconds = parse_int(str(item.get("seconds", "")), "seconds")
            raw_disposition = str(item.get("disposition") or "")
            caller = normalise_party(str(item.get("clid") or ""))
            callee = normalise_party(str(item.get("destination") or ""))
            direction = "in" if call_type == "in" else "out"
            answered = raw_disposition == "answered"
            ours = callee if direction == "in" else caller
            return CallRow(
                started_at=started,
                ended_at=started + dt.timedelta(seconds=seconds),
                answered_at=started if answered else None,
                duration=seconds,
                billsec=seconds if answered else 0,
                direction=direction,
                disposition=DISPOSITIONS.get(raw_disposition, "failed"),
                raw_disposition=raw_disposition[:64],
                caller=caller,
                callee=callee,
                our_number=ours if is_e164(ours) else "",
                extension=str(item.get("sip") or "")[:16],
                call_group_id=str(item.get("pbx_call_id") or "")[:160],
                external_id=f"pbx:{item['call_id']}"[:160],
                raw=item,
                line=n,
            )
        except RowInvalid as exc:
            return Rejected(n, exc.messages[0], json.dumps(item, ensure_ascii=False, default=str)[:2000])
        except OverflowError:  # a start at the end of the calendar plus the call's seconds
            reason = "callstart plus the call's seconds is out of range"
            return Rejected(n, reason, json.dumps(item, ensure_ascii=False, default=str)[:2000])
