"""UIS / CoMagic Data API v2.0, `get.calls_report` (JSON-RPC 2.0).

`params.access_token` authenticates; `date_from`/`date_till` (the account's clock, at most three
months apart) bound the report; `limit`/`offset` page through `result.metadata.total_items`. Errors
come as JSON-RPC `error` objects: token and IP problems are permanent, `limit_exceeded` (−32029) and
internal errors are transient. The call's `id` is its identity; `employees` name who took it, mapped
to our extensions through `settings.employee_extensions` ({"employee id": "101"}).
"""

from __future__ import annotations

import datetime as dt
import json
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
    parse_int,
    register,
)
from .http import request

WINDOW = dt.timedelta(days=90)
PAGE = 1000
FIELDS = [
    "id", "start_time", "finish_time", "direction", "is_lost", "finish_reason", "contact_phone_number",
    "virtual_phone_number", "total_duration", "talk_duration", "employees",
]  # fmt: skip
PERMANENT = {
    -32001: "access token invalid, expired or blocked",
    -32003: "access denied (IP not whitelisted or forbidden)",
    -32602: "invalid parameters",
    -32600: "invalid request",
    -32601: "method not found",
    -32700: "parse error",
    -32008: "method or component disabled",
    -32009: "account inactive",
}
TRANSIENT = {-32029: "limit exceeded", -32603: "internal error"}


@register
class UisConnector(Connector):
    slug = "uis"
    label = "UIS / CoMagic Data API v2.0 (get.calls_report)"
    can_pull = True
    max_window = WINDOW

    @property
    def base_url(self) -> str:
        return (self.source.url if self.source else "") or "https://dataapi.uiscom.ru/v2.0"

    def _call(self, params: dict, request_id: int) -> dict:
        if self.source is None or not self.source.secret:
            raise ConnectorError("uis needs the access token (secret) of the source")
        body = {"jsonrpc": "2.0", "id": request_id, "method": "get.calls_report",
                "params": {"access_token": self.source.secret, **params}}  # fmt: skip
        headers = {"Content-Type": "application/json; charset=UTF-8"}
        answer = request("POST", self.base_url, headers=headers, data=json.dumps(body).encode()).json()
        error = answer.get("error") if isinstance(answer, dict) else None
        if error:
            code = error.get("code")
            data = error.get("data") or {}
            mnemonic = data.get("mnemonic", "")
            message = (
                f"UIS {code} {mnemonic}: {PERMANENT.get(code) or TRANSIENT.get(code) or error.get('message')}"
            )
            if data.get("field"):
                message += f" (field {data['field']})"
            if code in TRANSIENT:
                raise ConnectorUnavailable(message, retry_after=60.0 if code == -32029 else None)
            raise ConnectorError(message)
        result = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(result, dict) or not isinstance(result.get("data"), list):
            raise ConnectorError(f"UIS answer has no result.data: {str(answer)[:300]}")
        return result

    def _local(self, moment: dt.datetime) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")

    def pull(self, *, start: dt.datetime, end: dt.datetime) -> Iterator[list[CallRow | Rejected]]:
        request_id = 0
        while start < end:
            stop = min(end, start + WINDOW)
            offset = 0
            while True:
                request_id += 1
                result = self._call(
                    {
                        "date_from": self._local(start),
                        "date_till": self._local(stop),
                        "limit": PAGE,
                        "offset": offset,
                        "fields": FIELDS,
                    },
                    request_id,
                )
                items = result["data"]
                yield [self._row(item, offset + n) for n, item in enumerate(items, start=1)]
                offset += len(items)
                total = (result.get("metadata") or {}).get("total_items", 0)
                if not items or offset >= total:
                    break
            start = stop

    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        """A saved JSON-RPC answer of get.calls_report, for backfill."""
        try:
            answer = json.load(stream)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConnectorError(f"not a saved UIS JSON answer ({exc})") from exc
        items = ((answer or {}).get("result") or {}).get("data") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise ConnectorError("a saved UIS answer has its calls under result.data")
        for n, item in enumerate(items, start=1):
            yield self._row(item, n)

    def _time(self, item: dict, name: str) -> dt.datetime:
        text = str(item.get(name) or "")
        try:
            return dt.datetime.fromisoformat(text).replace(tzinfo=self.tz).astimezone(UTC)
        except ValueError:
            raise RowInvalid(f"{name}: {text!r} is not YYYY-MM-DD hh:mm:ss") from None

    def _row(self, item, n: int) -> CallRow | Rejected:
        try:
            if not isinstance(item, dict) or item.get("id") in (None, ""):
                raise RowInvalid("a call without an id")
            started = self._time(item, "start_time")
            ended = self._time(item, "finish_time")
            if ended < started:
                raise RowInvalid("finish_time is before start_time")
            duration = parse_int(str(item.get("total_duration") or 0), "total_duration")
            talk = parse_int(str(item.get("talk_duration") or 0), "talk_duration")
            direction = {"in": "in", "out": "out"}.get(str(item.get("direction")), "in")
            contact = normalise_party(str(item.get("contact_phone_number") or ""))
            virtual = normalise_party(str(item.get("virtual_phone_number") or ""))
            extension = ""
            mapping = self.settings.get("employee_extensions") or {}
            employees = item.get("employees")
            for employee in employees if isinstance(employees, list) else []:
                if isinstance(employee, dict) and str(employee.get("employee_id")) in mapping:
                    extension = str(mapping[str(employee["employee_id"])])
                    if employee.get("is_talked") or employee.get("is_answered"):
                        break
            lost = bool(item.get("is_lost"))
            return CallRow(
                started_at=started,
                ended_at=ended,
                answered_at=None if lost else started,
                duration=duration,
                billsec=0 if lost else talk,
                direction=direction,
                disposition="no_answer" if lost else "answered",
                raw_disposition=str(item.get("finish_reason") or "")[:64],
                caller=contact if direction == "in" else virtual,
                callee=virtual if direction == "in" else contact,
                our_number=virtual if is_e164(virtual) else "",
                extension=extension[:16],
                external_id=f"uis:{item['id']}"[:160],
                raw=item,
                line=n,
            )
        except RowInvalid as exc:
            return Rejected(n, exc.messages[0], json.dumps(item, ensure_ascii=False, default=str)[:2000])
