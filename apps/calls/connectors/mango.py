"""Mango Office VPBX: asynchronous call statistics (stats/request, then poll stats/result).

Every call is a form POST of `vpbx_api_key`, `json` and `sign = sha256(key + json + salt)` (plain
SHA-256 of the concatenation, lowercase hex). stats/request answers `{"key": …}`; stats/result answers
204 while the report is not ready, then plain text: one call per line, fields separated by `;` in the
order we asked for, recordings as a bracketed list. Times are Unix seconds (no time-zone doubt). Mango
gives no id per record, so the key is a hash of the whole line; `entry_id` groups the legs of a call.
The connector asks for one day per request and spaces its polls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import IO

from .base import (
    CallRow,
    Connector,
    ConnectorError,
    ConnectorUnavailable,
    Rejected,
    RowInvalid,
    is_e164,
    normalise_party,
    parse_epoch,
    record_hash,
    register,
)
from .http import request

FIELDS = [
    "records", "start", "finish", "answer", "from_extension", "from_number", "to_extension", "to_number",
    "disconnect_reason", "line_number", "location", "entry_id",
]  # fmt: skip
DAY = dt.timedelta(days=1)


def mango_sign(key: str, payload: str, salt: str) -> str:
    return hashlib.sha256((key + payload + salt).encode("utf-8")).hexdigest()


def split_mango_line(text: str) -> list[str]:
    """Split on `;` outside the bracketed recordings list (`[a;b]` never splits)."""
    fields, depth, current = [], 0, []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        if ch == ";" and depth == 0:
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
    fields.append("".join(current))
    return fields


def mango_row(fields: list[str], *, line: int, columns: list[str] = FIELDS, raw_text: str = "") -> CallRow:
    if len(fields) != len(columns):
        raise RowInvalid(f"expected {len(columns)} fields separated by ';', found {len(fields)}")
    rec = dict(zip(columns, fields, strict=True))
    started = parse_epoch(rec["start"], "start")
    ended = parse_epoch(rec["finish"], "finish")
    answered = parse_epoch(rec.get("answer") or "0", "answer", zero_is_none=True)
    if ended < started:
        raise RowInvalid("finish is before start")
    from_ext, to_ext = rec.get("from_extension", "").strip(), rec.get("to_extension", "").strip()
    if from_ext and to_ext:
        direction, extension = "internal", from_ext
    elif from_ext:
        direction, extension = "out", from_ext
    else:
        direction, extension = "in", to_ext
    line_number = normalise_party(rec.get("line_number", ""))
    duration = int((ended - started).total_seconds())
    billsec = int((ended - answered).total_seconds()) if answered else 0
    return CallRow(
        started_at=started,
        ended_at=ended,
        answered_at=answered,
        duration=duration,
        billsec=max(billsec, 0),
        direction=direction,
        disposition="answered" if answered else "no_answer",
        raw_disposition=rec.get("disconnect_reason", "")[:64],
        caller=normalise_party(rec.get("from_number", "")) or from_ext,
        callee=normalise_party(rec.get("to_number", "")) or to_ext,
        our_number=line_number if is_e164(line_number) else "",
        extension=extension[:16],
        call_group_id=rec.get("entry_id", "")[:160],
        external_id=record_hash(fields),
        raw=rec,
        line=line,
        raw_text=raw_text,
    )


@register
class MangoConnector(Connector):
    slug = "mango"
    label = "Mango Office VPBX (stats/request + stats/result)"
    can_pull = True
    max_window = DAY

    def __init__(self, context, *, source=None):
        super().__init__(context, source=source)
        self.sleep = time.sleep
        self.poll_interval = float(self.settings.get("poll_interval", 2.0))
        self.max_polls = int(self.settings.get("max_polls", 60))

    @property
    def base_url(self) -> str:
        return ((self.source.url if self.source else "") or "https://app.mango-office.ru/vpbx").rstrip("/")

    def _post(self, command: str, payload: dict, ok=(200,)):
        if self.source is None or not self.source.login or not self.source.secret:
            raise ConnectorError("mango needs the VPBX API key (login) and salt (secret) of the source")
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        form = urllib.parse.urlencode(
            {
                "vpbx_api_key": self.source.login,
                "json": text,
                "sign": mango_sign(self.source.login, text, self.source.secret),
            }
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return request("POST", f"{self.base_url}/{command}", headers=headers, data=form, ok=ok)

    def pull(self, *, start: dt.datetime, end: dt.datetime) -> Iterator[list[CallRow | Rejected]]:
        moment = start
        while moment < end:
            stop = min(end, moment + DAY)
            answer = self._post(
                "stats/request",
                {
                    "date_from": str(int(moment.timestamp())),
                    "date_to": str(int(stop.timestamp())),
                    "fields": ",".join(FIELDS),
                },
            ).json()
            key = answer.get("key") if isinstance(answer, dict) else None
            if not key:
                raise ConnectorError(f"Mango stats/request gave no key: {answer}")
            yield list(self._rows(self._result(key).splitlines()))
            moment = stop

    def _result(self, key: str) -> str:
        for _ in range(self.max_polls):
            response = self._post("stats/result", {"key": key}, ok=(200, 204))
            if response.status == 200:
                try:
                    body = response.body.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ConnectorError("Mango stats/result is not UTF-8 text") from exc
                if body.lstrip().startswith("{"):
                    raise ConnectorError(f"Mango stats/result refused: {body[:300]}")
                return body
            self.sleep(self.poll_interval)
        raise ConnectorUnavailable(f"Mango report {key} still not ready after {self.max_polls} polls")

    def _rows(self, lines) -> Iterator[CallRow | Rejected]:
        for number, text in enumerate(lines, start=1):
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                yield mango_row(split_mango_line(text), line=number, raw_text=text)
            except RowInvalid as exc:
                yield Rejected(number, exc.messages[0], text)

    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        """A saved stats/result answer (the `;` text in the default field order), for backfill."""
        for number, chunk in enumerate(stream, start=1):
            self.bytes_read += len(chunk)
            try:
                text = chunk.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield Rejected(
                    number, "not valid UTF-8 text", chunk.decode("utf-8", "replace").rstrip("\r\n")
                )
                continue
            if not text.strip():
                continue
            try:
                yield mango_row(split_mango_line(text), line=number, raw_text=text)
            except RowInvalid as exc:
                yield Rejected(number, exc.messages[0], text)
