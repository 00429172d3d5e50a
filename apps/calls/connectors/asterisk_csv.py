"""Asterisk `cdr_csv` (Master.csv) and `cdr_custom` files.

Master.csv has no header; its 16 fixed columns are followed by optional ones that `cdr.conf` turns on:
uniqueid (loguniqueid), userfield (loguserfield), peeraccount + linkedid + sequence (newcdrcolumns).
A column count cannot tell uniqueid from userfield, so the layout is configuration
(`settings.layout`: a list of those option names); without it, the count decides with loguniqueid
assumed on (17 = uniqueid, 20 = uniqueid + newcdrcolumns). `cdr_custom` takes the column list itself
from `settings.columns` (names of CDR variables, any order, as in cdr_custom.conf).

Identity: with newcdrcolumns a record is (uniqueid, sequence). Without, one uniqueid can carry several
different records (a call that rang several phones), so the key is a hash of the whole record and
only a byte-for-byte repeat counts as a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .base import (
    CallRow,
    Connector,
    ConnectorError,
    Rejected,
    RowInvalid,
    channel_peer,
    is_e164,
    is_extension,
    normalise_party,
    parse_int,
    parse_local,
    record_hash,
    register,
)

BASE_COLUMNS = [
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
    "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
]  # fmt: skip
OPTIONS = {
    "loguniqueid": ["uniqueid"],
    "loguserfield": ["userfield"],
    "newcdrcolumns": ["peeraccount", "linkedid", "sequence"],
}
LAYOUT_BY_COUNT = {
    16: [],
    17: ["loguniqueid"],
    18: ["loguniqueid", "loguserfield"],
    19: ["newcdrcolumns"],
    20: ["loguniqueid", "newcdrcolumns"],
    21: ["loguniqueid", "loguserfield", "newcdrcolumns"],
}
DISPOSITIONS = {
    "ANSWERED": "answered",
    "NO ANSWER": "no_answer",
    "BUSY": "busy",
    "FAILED": "failed",
    "CONGESTION": "congestion",
    # Legacy integer dispositions (CDR() docs): 0/1 no answer, 2 failed, 4 busy, 8 answered, 16 congestion.
    "0": "no_answer",
    "1": "no_answer",
    "2": "failed",
    "4": "busy",
    "8": "answered",
    "16": "congestion",
}
INBOUND_CONTEXTS = ("from-trunk", "from-pstn", "from-external", "from-did", "ext-did", "incoming")


def columns_for(options: list[str]) -> list[str]:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ConnectorError(f"unknown Master.csv layout option(s) {unknown}; known: {sorted(OPTIONS)}")
    columns = list(BASE_COLUMNS)
    for name in ("loguniqueid", "loguserfield", "newcdrcolumns"):  # the order cdr_csv.c writes them
        if name in options:
            columns += OPTIONS[name]
    return columns


class AsteriskRecords:
    """Turns one Asterisk CDR (a dict of CDR variable → text) into a CallRow. Shared by the CSV, custom
    and database connectors."""

    def __init__(self, connector: Connector):
        self.tz = connector.tz
        self.trunks = connector.context.trunks
        settings = connector.settings
        self.inbound_contexts = tuple(settings.get("inbound_contexts") or INBOUND_CONTEXTS)
        self.outbound_contexts = tuple(settings.get("outbound_contexts") or ())

    def direction(
        self, rec: dict, src_is_extension: bool, dst_is_extension: bool, a_peer: str, b_peer: str
    ) -> tuple[str, str]:
        """(direction, trunk) — the trunk channel decides first, then the context, then the numbers."""
        trunks = self.trunks
        if a_peer and a_peer in trunks:
            return "in", a_peer
        if b_peer and b_peer in trunks:
            return "out", b_peer
        lastdata = rec.get("lastdata", "")
        if "@" in lastdata:
            via = lastdata.split("@", 1)[1].split(",", 1)[0]
            if via in trunks:
                return "out", via
        context = rec.get("dcontext", "")
        if context and context in self.inbound_contexts:
            return "in", ""
        if context and context in self.outbound_contexts:
            return "out", ""
        if src_is_extension:
            return ("internal" if dst_is_extension else "out"), ""
        return "in", ""

    def row(self, rec: dict, *, line: int, key_parts: list[str], raw_text: str = "") -> CallRow:
        get = rec.get
        tz = self.tz
        started = parse_local(get("start", ""), "start", tz)
        answered = parse_local(get("answer", ""), "answer", tz, required=False)
        ended = parse_local(get("end", ""), "end", tz)
        if ended < started:
            raise RowInvalid(f"end {get('end')} is before start {get('start')}")
        duration = parse_int(get("duration", ""), "duration")
        billsec = parse_int(get("billsec", ""), "billsec")
        raw_disposition = (get("disposition") or "").strip()
        disposition = DISPOSITIONS.get(raw_disposition.upper())
        if disposition is None:
            raise RowInvalid(
                f"disposition: {raw_disposition!r} is not one of ANSWERED, NO ANSWER, BUSY, FAILED"
            )
        src = (get("src") or "").strip()
        dst = (get("dst") or "").strip()
        src_ext, dst_ext = is_extension(src), is_extension(dst)
        a_peer = channel_peer(get("channel", ""))
        b_peer = channel_peer(get("dstchannel", ""))
        direction, trunk = self.direction(rec, src_ext, dst_ext, a_peer, b_peer)
        caller, callee = normalise_party(src), normalise_party(dst)
        our_number = ""
        if direction == "in":
            extension = dst if dst_ext else (b_peer if is_extension(b_peer) else "")
            if is_e164(callee):
                our_number = callee
        else:
            extension = src if src_ext else (a_peer if is_extension(a_peer) else "")
        uniqueid = (get("uniqueid") or "").strip()
        sequence = (get("sequence") or "").strip()
        external_id = f"{uniqueid}:{sequence}" if uniqueid and sequence else record_hash(key_parts)
        return CallRow(
            started,
            ended,
            answered,
            duration,
            billsec,
            direction,
            disposition,
            raw_disposition[:64],
            caller,
            callee,
            our_number,
            extension,
            trunk[:100],
            ((get("linkedid") or "").strip() or uniqueid)[:160],
            external_id[:160],
            None,
            "",
            rec,
            line,
            raw_text,
        )


@register
class AsteriskCsvConnector(Connector):
    slug = "asterisk_csv"
    label = "Asterisk Master.csv (cdr_csv)"
    parses_without_queries = True

    def columns(self, count: int) -> list[str] | None:
        layout = self.settings.get("layout")
        if layout is None or layout == "auto":
            options = LAYOUT_BY_COUNT.get(count)
            return None if options is None else columns_for(options)
        return columns_for(list(layout))

    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        records = AsteriskRecords(self)
        layouts: dict[int, list[str] | None] = {}
        for line, fields, raw, error in self.csv_rows(
            stream, encoding=self.settings.get("encoding", "utf-8")
        ):
            if fields is None:
                yield Rejected(line, error, raw)
                continue
            count = len(fields)
            columns = layouts[count] if count in layouts else layouts.setdefault(count, self.columns(count))
            if columns is None or len(columns) != len(fields):
                expected = "16 to 21" if columns is None else str(len(columns))
                yield Rejected(line, f"expected {expected} columns, found {len(fields)}", raw)
                continue
            try:
                yield records.row(
                    dict(zip(columns, fields, strict=True)), line=line, key_parts=fields, raw_text=raw
                )
            except RowInvalid as exc:
                yield Rejected(line, exc.messages[0], raw)


@register
class CdrCustomConnector(Connector):
    slug = "cdr_custom"
    label = "Asterisk cdr_custom (configured columns)"
    parses_without_queries = True

    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        columns = self.settings.get("columns")
        if not columns or not isinstance(columns, list):
            raise ConnectorError("cdr_custom needs settings.columns: the column list of cdr_custom.conf")
        missing = {"start", "end", "duration", "billsec", "disposition"} - set(columns)
        if missing:
            raise ConnectorError(f"cdr_custom settings.columns lacks {sorted(missing)}")
        records = AsteriskRecords(self)
        delimiter = self.settings.get("delimiter", ",")
        encoding = self.settings.get("encoding", "utf-8")
        for line, fields, raw, error in self.csv_rows(stream, encoding=encoding, delimiter=delimiter):
            if fields is None:
                yield Rejected(line, error, raw)
                continue
            if len(fields) != len(columns):
                yield Rejected(line, f"expected {len(columns)} columns, found {len(fields)}", raw)
                continue
            try:
                yield records.row(
                    dict(zip(columns, fields, strict=True)), line=line, key_parts=fields, raw_text=raw
                )
            except RowInvalid as exc:
                yield Rejected(line, exc.messages[0], raw)
