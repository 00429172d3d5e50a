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

import datetime as dt
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from .base import (
    _HEX,
    CallRow,
    Connector,
    ConnectorError,
    Rejected,
    RowInvalid,
    _utc_offset,
    channel_peer,
    is_e164,
    is_extension,
    normalise_party,
    parse_int,
    parse_local,
    record_hash,
    register,
)

if TYPE_CHECKING:
    from ..attribution import Attributor

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
        return self.route(
            rec.get("dcontext", ""),
            rec.get("lastdata", ""),
            src_is_extension,
            dst_is_extension,
            a_peer,
            b_peer,
        )

    def route(
        self,
        context: str,
        lastdata: str,
        src_is_extension: bool,
        dst_is_extension: bool,
        a_peer: str,
        b_peer: str,
    ) -> tuple[str, str]:
        """direction() on the values themselves (the COPY fast path has no record dict)."""
        trunks = self.trunks
        if a_peer and a_peer in trunks:
            return "in", a_peer
        if b_peer and b_peer in trunks:
            return "out", b_peer
        if "@" in lastdata:
            via = lastdata.split("@", 1)[1].split(",", 1)[0]
            if via in trunks:
                return "out", via
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
        yield from self.parse(stream, AsteriskRecords(self), lambda count: (self.columns(count),))

    def parse(self, stream: IO[bytes], records: AsteriskRecords, spec_for, fast=None) -> Iterator:
        """Every row of the file: rejected as it stands (CSV, column count), else `fast(fields, raw, spec)`
        when given and it answers, else the generic row parser. `spec_for(count)` starts with the columns
        of a row of `count` fields (None: no layout has that many) and is asked once per count."""
        layouts: dict[int, tuple] = {}
        for line, fields, raw, error in self.csv_rows(
            stream, encoding=self.settings.get("encoding", "utf-8")
        ):
            if fields is None:
                yield Rejected(line, error, raw)
                continue
            count = len(fields)
            spec = layouts.get(count)
            if spec is None:
                spec = layouts[count] = spec_for(count)
            columns = spec[0]
            if columns is None or len(columns) != count:
                expected = "16 to 21" if columns is None else str(len(columns))
                yield Rejected(line, f"expected {expected} columns, found {count}", raw)
                continue
            if fast is not None:
                item = fast(fields, raw, spec)
                if item is not None:
                    yield item
                    continue
            try:
                yield records.row(
                    dict(zip(columns, fields, strict=True)), line=line, key_parts=fields, raw_text=raw
                )
            except RowInvalid as exc:
                yield Rejected(line, exc.messages[0], raw)

    def copy_lines(
        self, stream: IO[bytes], *, attributor: Attributor, source_id: int, run_id: int
    ) -> Iterator[tuple[str, str] | CallRow | Rejected]:
        """read_file() for PostgreSQL's COPY: each row straight to its `calls_callrecord` line (see
        MasterCopyLines); a row it cannot vouch for comes as read_file() would give it."""
        return MasterCopyLines(self, attributor, source_id=source_id, run_id=run_id).lines(stream)


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


# ----------------------------------------------------------------- PostgreSQL fast path (COPY lines)

_MINUTES_SECONDS = frozenset(f":{m:02d}:{s:02d}" for m in range(60) for s in range(60))
QUOTE, QUOTES = '"', '""'
_CACHE_LIMIT = 50_000  # entries per cache; a cache that fills up starts afresh (memory stays flat)


def _quote(text: str) -> str:
    """A text value as COPY (FORMAT csv) input: always quoted, since a bare empty field means NULL."""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return '"' + text + '"'


class MasterCopyLines:
    """Master.csv rows → lines of COPY (FORMAT csv) input for `calls_callrecord` (store.COLUMNS order),
    the PostgreSQL fast path of the import: no CallRow and no datetime per row.

    A local time `YYYY-MM-DD HH:MM:SS` followed by its zone's offset (`+03:00`), looked up once per
    local hour, is a timestamptz literal PostgreSQL reads as the same instant the generic path
    computes. Everything else that repeats (a number's E.164 form, a channel's peer, a disposition, a
    department on a day) is worked out once per distinct value. A row the fast path cannot vouch for
    — a time of another shape or in an hour the zone skips, an end before its start in another
    offset, a disposition it does not know, a number of seconds that is not plain digits — goes to the
    generic row parser (AsteriskRecords.row), which stores it or rejects it with its reason: the
    stored rows and the quarantine are the same either way (tests/calls/test_asterisk_fast.py).
    """

    def __init__(
        self, connector: AsteriskCsvConnector, attributor: Attributor, *, source_id: int, run_id: int
    ):
        self.connector = connector
        self.records = AsteriskRecords(connector)
        self.attributor = attributor
        self.tz = connector.tz
        # The department is looked up on the call's local day in the attributor's zone; the fast path
        # reads that day off the text, which is right only when both zones are the source's.
        self.enabled = str(attributor.tz) == str(connector.tz)
        self.prefix = f"{int(source_id)},"
        self.run_field = f",{int(run_id)},"
        self.hours: dict[str, tuple[str, dt.date] | None] = {}
        self.parties: dict[str, tuple[str, bool, str, str, bool]] = {}
        self.peers: dict[str, tuple[str, bool]] = {}
        self.heads: dict[str, tuple[str, bool]] = {}
        self.dispositions: dict[str, str | None] = {}
        self.trunk_fields: dict[str, str] = {}
        self.departments: dict[tuple[str, int | None, dt.date], str] = {}

    def lines(self, stream: IO[bytes]) -> Iterator[tuple[str, str] | CallRow | Rejected]:
        """(external id, COPY line) for a row handled here; a CallRow or Rejected for the others."""
        fast = self.line if self.enabled else None
        yield from self.connector.parse(stream, self.records, self.layout, fast)

    def layout(self, count: int) -> tuple[list[str] | None, int | None, int | None, int | None]:
        """The columns for a row of `count` fields and the places of uniqueid, linkedid and sequence."""
        columns = self.connector.columns(count)
        if columns is None:
            return None, None, None, None
        place = {name: n for n, name in enumerate(columns)}
        return columns, place.get("uniqueid"), place.get("linkedid"), place.get("sequence")

    def line(self, fields: list[str], raw: str, spec) -> tuple[str, str] | None:
        """The row's (external id, COPY line), or None when the generic parser must decide."""
        start, answer, end, duration, billsec, disposition = fields[9:15]
        minutes_seconds = _MINUTES_SECONDS
        if len(start) != 19 or len(end) != 19 or start[13:] not in minutes_seconds:
            return None
        if end[13:] not in minutes_seconds or end < start:
            return None
        hours = self.hours
        key = start[:13]
        hour = hours[key] if key in hours else self.hour(key)
        if hour is None:
            return None
        offset, day = hour
        key = end[:13]
        hour = hours[key] if key in hours else self.hour(key)
        # Compared as text above: right only when both times are in the same offset.
        if hour is None or hour[0] != offset:
            return None
        if answer:
            if len(answer) != 19 or answer[13:] not in minutes_seconds:
                return None
            key = answer[:13]
            hour = hours[key] if key in hours else self.hour(key)
            if hour is None:
                return None
            answered = answer + hour[0]
        else:
            answered = ""
        if not (duration.isdigit() and duration.isascii() and len(duration) < 10):
            return None
        if not (billsec.isdigit() and billsec.isascii() and len(billsec) < 10):
            return None
        outcome = self.dispositions.get(disposition, False)
        if outcome is False:
            outcome = self.disposition(disposition)
        if outcome is None:
            return None

        parties = self.parties
        src = fields[1]
        party = parties.get(src) or self.party(src)
        src_text, src_ext, _, caller, _ = party
        dst = fields[2]
        party = parties.get(dst) or self.party(dst)
        dst_text, dst_ext, callee, callee_quoted, callee_e164 = party
        peer = self.peer
        a_peer, a_ext = peer(fields[5])
        b_peer, b_ext = peer(fields[6])
        direction, trunk = self.records.route(fields[3], fields[8], src_ext, dst_ext, a_peer, b_peer)
        attributor = self.attributor
        if direction == "in":
            extension = dst_text if dst_ext else (b_peer if b_ext else "")
            number_id = attributor.numbers.get(callee) if callee_e164 else None
        else:
            extension = src_text if src_ext else (a_peer if a_ext else "")
            number_id = None
        trunk_fields = self.trunk_fields.get(trunk) or self.trunk_field(trunk)
        departments = self.departments
        key = (extension, number_id, day)
        department = departments.get(key)
        if department is None:
            if len(departments) >= _CACHE_LIMIT:
                departments.clear()
            found = attributor.department_on(day, extension, number_id)
            department = departments[key] = "" if found is None else str(found)

        _, uniqueid_at, linkedid_at, sequence_at = spec
        uniqueid = fields[uniqueid_at].strip() if uniqueid_at is not None else ""
        sequence = fields[sequence_at].strip() if sequence_at is not None else ""
        external_id = f"{uniqueid}:{sequence}"[:160] if uniqueid and sequence else record_hash(fields)
        linkedid = fields[linkedid_at].strip() if linkedid_at is not None else ""
        text = (
            f"{self.prefix}{_quote(external_id)},{_quote((linkedid or uniqueid)[:160])},"
            f"{start}{offset},{answered},{end}{offset},{duration},{billsec},"
            f'"{direction}",{caller},{callee_quoted},{"" if number_id is None else number_id},"{extension}",'
            f'{trunk_fields},{outcome},,"",{department}{self.run_field}"{raw.replace(QUOTE, QUOTES)}"\n'
        )
        return external_id, text

    def hour(self, key: str) -> tuple[str, dt.date] | None:
        """(offset literal, local day) of the local hour `YYYY-MM-DD HH`; None when the fast path must
        leave times in it to the generic parser: another shape, a year outside 1900–9998, an offset
        with seconds, an hour the zone skips in whole or in part (its wall times do not survive the
        round trip through UTC, so the local day could differ)."""
        info = None
        if (
            len(key) == 13
            and key.isascii()
            and key[4] == "-"
            and key[7] == "-"
            and key[10] == " "
            and key[:4].isdigit()
            and key[5:7].isdigit()
            and key[8:10].isdigit()
            and key[11:].isdigit()
        ):
            try:
                # A wall time of the PBX clock: its zone comes in as the offset below.
                naive = dt.datetime(int(key[:4]), int(key[5:7]), int(key[8:10]), int(key[11:]))  # noqa: DTZ001
            except ValueError:
                naive = None
            if naive is not None and 1900 <= naive.year <= 9998:
                offset = _utc_offset(self.tz, naive)
                seconds = int(offset.total_seconds())
                if seconds % 60 == 0 and all(
                    self.round_trips(naive + dt.timedelta(seconds=s), offset) for s in (0, 3599)
                ):
                    minutes = abs(seconds) // 60
                    sign = "-" if seconds < 0 else "+"
                    info = (f"{sign}{minutes // 60:02d}:{minutes % 60:02d}", naive.date())
        if len(self.hours) >= _CACHE_LIMIT:
            self.hours.clear()
        self.hours[key] = info
        return info

    def round_trips(self, naive: dt.datetime, offset: dt.timedelta) -> bool:
        back = (naive - offset).replace(tzinfo=dt.UTC).astimezone(self.tz)
        return back.replace(tzinfo=None) == naive

    def disposition(self, raw: str) -> str | None:
        """The disposition and raw disposition columns, or None for one the generic parser must reject."""
        text = raw.strip()
        normalised = DISPOSITIONS.get(text.upper())
        outcome = None if normalised is None else f'"{normalised}",{_quote(text[:64])}'
        if len(self.dispositions) >= _CACHE_LIMIT:
            self.dispositions.clear()
        self.dispositions[raw] = outcome
        return outcome

    def trunk_field(self, trunk: str) -> str:
        """The line id and trunk columns of a call through `trunk`."""
        trunk = trunk[:100]
        line_id = self.attributor.lines.get(trunk) if trunk else None
        field = f"{'' if line_id is None else line_id},{_quote(trunk)}"
        self.trunk_fields[trunk] = field  # as many as our lines' trunks, plus ""
        return field

    def party(self, raw: str) -> tuple[str, bool, str, str, bool]:
        """(the value stripped, is it an extension, its stored form, that quoted, is it E.164)."""
        if len(raw) == 11 and raw.isdigit() and raw.isascii() and raw[0] in "78":
            # The commonest shape, a Russian number 8XXXXXXXXXX / 7XXXXXXXXXX (as normalise_party has it).
            stored = "+7" + raw[1:]
            info = (raw, False, stored, f'"{stored}"', True)
            if len(self.parties) >= _CACHE_LIMIT:
                self.parties.clear()
            self.parties[raw] = info
            return info
        text = raw.strip()
        stored = normalise_party.__wrapped__(text)  # cached here; its LRU would only churn
        info = (text, is_extension(text), stored, _quote(stored), is_e164(stored))
        if len(self.parties) >= _CACHE_LIMIT:
            self.parties.clear()
        self.parties[raw] = info
        return info

    def peer(self, channel: str) -> tuple[str, bool]:
        """(channel_peer(channel), is it an extension). A channel name ends in a suffix unique to the
        call (`-0000001b`); with it cut off, the rest is cached. channel_peer() gives the same peer for
        any valid suffix, so the suffix `0` stands in for it."""
        head, dash, tail = channel.rpartition("-")
        if dash and tail and ((len(tail) == 8 and _HEX.issuperset(tail)) or tail.isdecimal()):
            info = self.heads.get(head)
            if info is None:
                peer = channel_peer(head + "-0")
                info = (peer, is_extension(peer))
                if len(self.heads) >= _CACHE_LIMIT:
                    self.heads.clear()
                self.heads[head] = info
            return info
        info = self.peers.get(channel)
        if info is None:
            peer = channel_peer(channel)
            info = (peer, is_extension(peer))
            if len(self.peers) >= _CACHE_LIMIT:
                self.peers.clear()
            self.peers[channel] = info
        return info
