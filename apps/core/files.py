"""Uploaded files, checked before anything parses them (ASVS V5.1.1, V5.2.1–V5.2.3).

- `read_capped()` reads an upload in chunks and stops at the size cap (a 2 GB upload costs 20 MB);
- `check_content_matches()` refuses a file whose bytes are not what its extension says
  (an HTML page renamed `.xlsx`, a zip renamed `.csv`);
- `check_zip_archive()` looks at a zip's directory (entry count, unpacked size, compression ratio, paths)
  before one byte is inflated; `check_xlsx()` adds the parts every workbook has;
- `capped_rows()` stops an iterator of rows at the row cap while streaming, before a list is built.

openpyxl parses XLSX XML with defusedxml when it is installed (billion laughs, external entities);
`defusedxml_active()` says whether it is, and a system check refuses to start without it.
Every error is a `FileRejected` whose message names the file and says what to do.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import IO

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_ZIP_ENTRIES = 1_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # a real workbook's XML compresses ~10–30×; bombs compress 1000×+
CHUNK = 64 * 1024

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls/.doc
PDF_MAGIC = b"%PDF-"
TEXT_EXTENSIONS = {".csv", ".txt", ".tsv", ".json", ".xml"}
ZIP_EXTENSIONS = {".xlsx", ".docx", ".zip"}


class FileRejected(ValueError):
    """A file refused before parsing; the message names it."""

    def __init__(self, name: str, message: str):
        self.name = name
        self.message = message
        super().__init__(f"{name}: {message}")


def read_capped(
    stream: IO[bytes] | Iterable[bytes], *, name: str, max_bytes: int = MAX_UPLOAD_BYTES
) -> bytes:
    """All of `stream` (a file or a Django UploadedFile), refused as soon as it passes `max_bytes`."""
    chunks = stream.chunks(CHUNK) if hasattr(stream, "chunks") else _chunks(stream)
    buffer = io.BytesIO()
    for chunk in chunks:
        if buffer.tell() + len(chunk) > max_bytes:
            raise FileRejected(name, f"larger than {_mib(max_bytes)}; split it or compress the period.")
        buffer.write(chunk)
    return buffer.getvalue()


def _chunks(stream) -> Iterator[bytes]:
    if isinstance(stream, bytes | bytearray):
        yield bytes(stream)
        return
    if hasattr(stream, "read"):
        while chunk := stream.read(CHUNK):
            yield chunk
        return
    yield from stream


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


def sniff(head: bytes) -> str:
    """What the first bytes say a file is: zip, ole, pdf, html, binary or text."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if b"\x00" in head[:8192]:
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<script", b"<?php")):
        return "html"
    return "text"


_EXPECTED = {".pdf": "pdf", ".xls": "ole", ".doc": "ole", **dict.fromkeys(ZIP_EXTENSIONS, "zip")}


def check_content_matches(name: str, head: bytes) -> str:
    """Refuse a file whose first bytes contradict its extension; returns the extension (lower case)."""
    suffix = PurePosixPath(name).suffix.lower()
    kind = sniff(head)
    expected = "text" if suffix in TEXT_EXTENSIONS else _EXPECTED.get(suffix)
    if expected is None:
        raise FileRejected(name, f"files of type {suffix or '(none)'} are not accepted here.")
    if kind != expected:
        said = {"zip": "a zip archive", "ole": "an old Office file", "pdf": "a PDF", "html": "a web page",
                "binary": "binary data", "text": "plain text"}[kind]  # fmt: skip
        article = "an" if suffix[1:2] in "aeiox" else "a"
        noun = "workbook" if suffix in (".xlsx", ".xls") else "file"
        raise FileRejected(
            name, f"not {article} {suffix} {noun} (its content is {said}); save it again as {suffix}."
        )
    return suffix


def check_zip_archive(
    source: bytes | IO[bytes],
    *,
    name: str,
    max_entries: int = MAX_ZIP_ENTRIES,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_ratio: int = MAX_COMPRESSION_RATIO,
) -> list[zipfile.ZipInfo]:
    """The archive's directory, refused if it would unpack too large, too many or too suspicious."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    if not zipfile.is_zipfile(stream):
        raise FileRejected(name, "not a valid zip archive (an .xlsx/.docx file is one).")
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(name, f"a damaged zip archive ({exc}).") from exc
    if len(entries) > max_entries:
        raise FileRejected(name, f"{len(entries)} parts inside (at most {max_entries}).")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > max_unpacked:
        limit = _mib(max_unpacked)
        raise FileRejected(name, f"unpacks to {_mib(unpacked)}: too large to import (at most {limit}).")
    for entry in entries:
        path = PurePosixPath(entry.filename)
        if path.is_absolute() or ".." in path.parts:
            raise FileRejected(name, f"contains an unsafe path {entry.filename!r}.")
        if entry.file_size > 1024 * 1024 and entry.file_size > max_ratio * max(entry.compress_size, 1):
            raise FileRejected(
                name,
                f"part {entry.filename!r} is compressed {entry.file_size // max(entry.compress_size, 1)}×: "
                "a zip bomb, not a workbook.",
            )
    return entries


def check_xlsx(source: bytes | IO[bytes], *, name: str, **limits) -> None:
    """A zip with the parts of an Excel workbook, within the limits."""
    entries = check_zip_archive(source, name=name, **limits)
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise FileRejected(name, "a zip archive, but not an Excel workbook (no xl/workbook.xml).")


def capped_rows(rows: Iterable, *, name: str, max_rows: int = MAX_ROWS) -> Iterator:
    """Pass rows through, refusing the file at row `max_rows + 1` (while streaming, nothing built)."""
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise FileRejected(name, f"more than {max_rows} rows; split the file.")
        yield row


def defusedxml_active() -> bool:
    """True when openpyxl parses XML through defusedxml (entity expansion and external entities refused)."""
    try:
        from openpyxl.xml import DEFUSEDXML
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        return False
    return bool(DEFUSEDXML)
