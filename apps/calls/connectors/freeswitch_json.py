"""FreeSWITCH `mod_json_cdr`: one JSON document per call leg, pushed to us over HTTP (or saved files).

The body is plain JSON, a form field `cdr=` (encode=true) or base64 (encode=base64). With
`encode-values` on (FreeSWITCH's default; `settings.encode_values`, default true) every value inside
is URL-encoded and is decoded here. Times come from the `*_epoch` variables (no time-zone doubt).
Identity: the leg's `uuid`, so a retried push adds nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.parse
from collections.abc import Iterator
from typing import IO

from .base import CallRow, Connector, ConnectorError, Rejected, RowInvalid, parse_epoch, register
from .freeswitch_csv import freeswitch_row


def decode_body(body: bytes, content_type: str = "") -> dict:
    """The CDR document of one push, whichever way mod_json_cdr encoded it; RowInvalid if none."""
    text = body.decode("utf-8", "replace").strip()
    if "application/x-www-form-urlencoded" in content_type or text.startswith("cdr="):
        form = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
        text = form.get("cdr", "").strip()
    if text and not text.startswith("{"):
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise RowInvalid("the body is neither JSON, nor a cdr= form field, nor base64") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise RowInvalid(f"the CDR is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("variables"), dict):
        raise RowInvalid("the CDR has no 'variables' object")
    return document


@register
class FreeswitchJsonConnector(Connector):
    slug = "freeswitch_json"
    label = "FreeSWITCH mod_json_cdr (HTTP push receiver)"

    def document_row(self, document: dict, *, line: int = 1) -> CallRow:
        variables = document["variables"]
        encoded = self.settings.get("encode_values", True)
        rec = {
            str(k): urllib.parse.unquote(v)
            if encoded and isinstance(v, str)
            else ("" if v is None else str(v))
            for k, v in variables.items()
        }
        started = parse_epoch(rec.get("start_epoch", ""), "start_epoch")
        answered = parse_epoch(rec.get("answer_epoch") or "0", "answer_epoch", zero_is_none=True)
        ended = parse_epoch(rec.get("end_epoch", ""), "end_epoch")
        if not rec.get("direction") and isinstance(document.get("channel_data"), dict):
            rec["direction"] = str(document["channel_data"].get("direction") or "")
        return freeswitch_row(rec, connector=self, line=line, started=started, answered=answered, ended=ended)

    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        """Saved CDRs: JSON lines (one document per line) or a single document."""
        data = stream.read(50 * 1024 * 1024 + 1)
        self.bytes_read = len(data)
        if len(data) > 50 * 1024 * 1024:
            raise ConnectorError(
                "a saved mod_json_cdr file is limited to 50 MB; split it into JSON lines files"
            )
        lines = data.splitlines() if data.lstrip().startswith(b"{") and b"\n{" in data else [data]
        for number, chunk in enumerate(lines, start=1):
            if not chunk.strip():
                continue
            try:
                yield self.document_row(decode_body(chunk), line=number)
            except RowInvalid as exc:
                yield Rejected(number, exc.messages[0], chunk.decode("utf-8", "replace")[:2000])
