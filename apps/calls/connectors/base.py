"""The connector interface, the normalised row every connector yields, and shared parsing helpers.

A connector turns one source's native data into `CallRow`s (normalised, UTC, integer seconds) and
`Rejected` rows (line number, reason, raw text). Parsing a row may only fail with `RowInvalid`, a
Django ValidationError carrying a message a person can act on; the row iterators turn it into a
`Rejected` so good rows of the same file still land. File-level or credential problems raise
`ConnectorError` (permanent: retrying will not help); a source that is down or rate-limiting raises
`ConnectorUnavailable` (transient: the task retries with backoff).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import IO, Any, ClassVar

from django.core.exceptions import ValidationError

UTC = dt.UTC


class ConnectorError(Exception):
    """Permanent failure: bad credentials, a malformed payload, a file we cannot read. Not retried."""


class ConnectorUnavailable(Exception):
    """Transient failure: timeout, HTTP 429 or 5xx, a report not ready yet. Retried with backoff."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class RowInvalid(ValidationError):
    """One record cannot be accepted; the message says which field and why."""


@dataclass(slots=True)
class CallRow:
    """One call record, normalised. `external_id` empty = the pipeline keys it by a hash of `raw`."""

    started_at: dt.datetime
    ended_at: dt.datetime
    answered_at: dt.datetime | None
    duration: int
    billsec: int
    direction: str
    disposition: str
    raw_disposition: str = ""
    caller: str = ""
    callee: str = ""
    our_number: str = ""
    extension: str = ""
    trunk: str = ""
    call_group_id: str = ""
    external_id: str = ""
    provider_cost: Decimal | None = None
    currency: str = ""
    raw: Any = field(default_factory=dict)
    line: int = 0
    # The record exactly as the source wrote it (a CSV line); empty = the pipeline stores `raw` as JSON.
    raw_text: str = ""


@dataclass(slots=True)
class Rejected:
    line: int
    reason: str
    raw: str = ""


@dataclass
class Context:
    """What a connector needs to know about our side: the PBX clock and the trunk names of our lines."""

    timezone: str = "Europe/Moscow"
    trunks: frozenset[str] = frozenset()
    settings: dict = field(default_factory=dict)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


REGISTRY: dict[str, type[Connector]] = {}


def register(cls: type[Connector]) -> type[Connector]:
    if cls.slug in REGISTRY:
        raise ValueError(f"connector slug {cls.slug!r} registered twice")
    REGISTRY[cls.slug] = cls
    return cls


def get_connector(slug: str) -> type[Connector]:
    try:
        return REGISTRY[slug]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise ConnectorError(f"unknown connector {slug!r}; known: {known}") from None


class Connector:
    """One source format or API. Subclasses set `slug`, `label` and implement what they support."""

    slug: ClassVar[str] = ""
    label: ClassVar[str] = ""
    can_pull: ClassVar[bool] = False
    # Pull windows: the largest span one request may cover (None = no limit).
    max_window: ClassVar[dt.timedelta | None] = None
    # True when read_file never queries the database (so the pipeline may stream it straight into a
    # COPY, which occupies the connection); a connector that looks things up while parsing leaves it False.
    parses_without_queries: ClassVar[bool] = False

    def __init__(self, context: Context, *, source=None):
        self.context = context
        self.settings = context.settings or {}
        self.tz = context.tz
        self.source = source
        self.bytes_read = 0

    # File (or saved native payload) → rows. Must stream: never read the whole file into memory.
    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        raise ConnectorError(f"{self.slug} cannot import files")

    # API → pages of rows for [start, end). Each page is stored in its own transaction.
    def pull(self, *, start: dt.datetime, end: dt.datetime) -> Iterator[list[CallRow | Rejected]]:
        raise ConnectorError(f"{self.slug} cannot pull; import its files instead")

    # Helpers shared by the CSV-like connectors --------------------------------------------------
    def csv_rows(
        self, stream: IO[bytes], *, encoding: str = "utf-8", delimiter: str = ",", start_line: int = 1
    ) -> Iterator[tuple[int, list[str] | None, str, str]]:
        """Yield (line number, fields or None, raw text, error) for every non-blank physical line.

        Lines are decoded one at a time, so one badly encoded line is quarantined, not the file.
        A record cannot span lines (no PBX format here writes newlines inside a field).
        """
        decoder_name = codecs.lookup(encoding).name
        # One reader for the whole file, fed one line at a time: a line that ends inside quotes meets
        # the end of its feed and is an error, exactly as if it had been parsed on its own.
        feed = _OneLine()
        reader = csv.reader(feed, delimiter=delimiter, strict=True)
        for number, chunk in enumerate(stream, start=1):
            self.bytes_read += len(chunk)
            if number < start_line:
                continue
            try:
                text = chunk.decode(decoder_name)
            except UnicodeDecodeError as exc:
                raw = chunk.decode(decoder_name, errors="replace").rstrip("\r\n")
                yield number, None, raw, f"not valid {encoding} text (byte {exc.start + 1} of the line)"
                continue
            text = text.rstrip("\r\n")
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            if not text.strip():
                continue
            if "\x00" in text:
                yield number, None, text.replace("\x00", "\\0"), "the line contains a NUL byte"
                continue
            feed.line = text
            try:
                fields = next(reader)
            except csv.Error as exc:
                feed.line = None
                yield number, None, text, f"not a valid CSV line ({exc})"
                continue
            yield number, fields, text, ""


class _OneLine:
    """An iterator that gives the line it was handed once, then stops (until handed another)."""

    __slots__ = ("line",)

    def __init__(self):
        self.line: str | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.line
        if line is None:
            raise StopIteration
        self.line = None
        return line


# ------------------------------------------------------------------ value helpers (raise RowInvalid)


def record_hash(parts: Iterable[str]) -> str:
    """Identity of a record that has no id of its own: SHA-256 over all its fields."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return "h:" + digest[:32]  # 128 bits: collisions are out of reach, and the unique index stays small


MAX_SECONDS = 2_147_483_647  # durations are stored in PostgreSQL `integer` columns


def parse_int(value: str, name: str) -> int:
    text = (value or "").strip()
    if not text.isdigit() or not text.isascii():
        raise RowInvalid(f"{name}: {value!r} is not a whole number of seconds")
    # The column is a 32-bit integer: one such row must not fail the whole file (nor a number too
    # long for int() crash the parser).
    if len(text.lstrip("0")) > 10 or int(text) > MAX_SECONDS:
        raise RowInvalid(f"{name}: {value!r} is out of range")
    return int(text)


def parse_local(value: str, name: str, tz: zoneinfo.ZoneInfo, *, required: bool = True) -> dt.datetime | None:
    """`YYYY-MM-DD HH:MM:SS` in the PBX's clock → aware UTC datetime."""
    text = (value or "").strip()
    if not text:
        if required:
            raise RowInvalid(f"{name} is empty")
        return None
    # Fast path for the usual shape: the zone's offset, looked up once per local hour, is subtracted
    # from the value read as if it were UTC (one C parse, one subtraction).
    if len(text) >= 13 and text[10] in " T":
        offset = _HOUR_OFFSET.get((tz, text[:13]))
        if offset is not None:
            try:
                return dt.datetime.fromisoformat(text + "+00:00") - offset
            except ValueError:
                pass  # another shape (an offset of its own, junk): the careful path below says
            except OverflowError:
                raise RowInvalid(f"{name}: {value!r} is out of range") from None
    try:
        naive = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RowInvalid(f"{name}: {value!r} is not a date and time (YYYY-MM-DD HH:MM:SS)") from None
    try:
        if naive.tzinfo is not None:
            return naive.astimezone(UTC)
        # The zone's offset is looked up once per local hour (offsets change on hour boundaries).
        offset = _utc_offset(tz, naive.replace(minute=0, second=0, microsecond=0))
        if len(text) >= 13 and text[10] in " T" and len(_HOUR_OFFSET) < 100_000:
            _HOUR_OFFSET[(tz, text[:13])] = offset
        return (naive - offset).replace(tzinfo=UTC)
    except OverflowError:
        raise RowInvalid(f"{name}: {value!r} is out of range") from None


_HOUR_OFFSET: dict[tuple[zoneinfo.ZoneInfo, str], dt.timedelta] = {}


@lru_cache(maxsize=16384)
def _utc_offset(tz: zoneinfo.ZoneInfo, hour: dt.datetime) -> dt.timedelta:
    return hour.replace(tzinfo=tz).utcoffset() or dt.timedelta(0)


def parse_epoch(value: str | int, name: str, *, zero_is_none: bool = False) -> dt.datetime | None:
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or not text.isascii() or len(text) > 12:
        raise RowInvalid(f"{name}: {value!r} is not a Unix time in seconds")
    seconds = int(text)
    if seconds == 0 and zero_is_none:
        return None
    try:
        return dt.datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise RowInvalid(f"{name}: {value!r} is out of range") from None


def parse_decimal(value: str, name: str, *, decimal_comma: bool = False) -> Decimal | None:
    text = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if decimal_comma:
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RowInvalid(f"{name}: {value!r} is not a number") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e10"):
        raise RowInvalid(f"{name}: {value!r} is not a sensible amount")
    return amount


def is_extension(value: str) -> bool:
    """2–6 digits (an internal number, not a phone number)."""
    return 2 <= len(value or "") <= 6 and value.isdecimal()


@lru_cache(maxsize=65536)
def normalise_party(value: str) -> str:
    """A party of a call as we store it: E.164 when it is a phone number we can recognise,
    an extension as it is, anything else (SIP URIs, foreign formats, 'anonymous') kept verbatim.

    Russian rules on purpose (fast, no library call per row): 8XXXXXXXXXX / 7XXXXXXXXXX / 10 digits
    starting 3, 4, 8 or 9 → +7…; `+` followed by 8–15 digits is already E.164.
    """
    text = (value or "").strip()
    if not text or is_extension(text):
        return text[:80]
    if text.startswith("+"):
        digits = text[1:]
        if digits.isdigit() and digits.isascii() and 8 <= len(digits) <= 15:
            return text
        return text[:80]
    if text.isdigit() and text.isascii():
        if len(text) == 11 and text[0] in "78":
            return "+7" + text[1:]
        if len(text) == 10 and text[0] in "3489":
            return "+7" + text
        if len(text) >= 11 and text.startswith("810"):
            return "+" + text[3:]
    return text[:80]


def is_e164(value: str) -> bool:
    return value.startswith("+") and value[1:].isdigit()


_HEX = frozenset("0123456789abcdefABCDEF")


def channel_peer(channel: str) -> str:
    """`PJSIP/trunk-kzn-0000001b` → `trunk-kzn`; `SIP/101-00000012` → `101`; `Local/101@ctx-…;1` → `101`."""
    text = (channel or "").strip()
    if "/" not in text:
        return ""
    text = text.split("/", 1)[1]
    text = text.split(";", 1)[0]
    text = text.split("@", 1)[0]
    head, dash, tail = text.rpartition("-")
    # Asterisk's channel suffix: 8 hex digits, or (older versions, Local channels) a decimal counter.
    if dash and tail and ((len(tail) == 8 and _HEX.issuperset(tail)) or tail.isdecimal()):
        return head
    return text
