"""Text out of an uploaded document (PDF, DOCX, plain text), after checking the file is what it claims.

Used by contracts (documents are stored with their text) and by the risk scanner (which reads that text).
The content decides what a file is; the extension must agree with it, or the file is refused.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
KINDS["txt"] = "text/plain"
KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "txt": "plain text",
    "zip": "ZIP archive",
    "binary": "binary",
}
EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".txt": "txt"}

# A DOCX is a ZIP: refuse archives that would expand to far more than any contract needs (zip bombs).
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200


class DocumentRejected(ValidationError):
    """The file cannot be accepted; the message says why, naming the file."""


def content_type_of(kind: str) -> str:
    return KINDS[kind]


def sniff(data: bytes) -> str:
    """What the bytes are, by content: pdf, docx, zip (another archive), txt or binary."""
    head = data[:1024]
    if head.lstrip(b"\r\n\t \x00\xef\xbb\xbf")[:5] == b"%PDF-":
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "binary"
        return "docx" if "word/document.xml" in names and "[Content_Types].xml" in names else "zip"
    if b"\x00" in data[:65536]:
        return "binary"
    return "txt" if _decode_text(data) is not None else "binary"


def extract_text(data: bytes, filename: str) -> tuple[str, str]:
    """Return (text, kind) of an uploaded file, or raise DocumentRejected with a message naming it.

    `kind` is "pdf", "docx" or "txt". Line ends in the text are normalised to "\\n", so character
    offsets into it are stable.
    """
    name = PurePath(filename or "").name or "file"
    limit = settings.PORTAL_MAX_DOCUMENT_BYTES
    if not data:
        raise DocumentRejected(_("%(name)s is empty.") % {"name": name})
    if len(data) > limit:
        raise DocumentRejected(
            _("%(name)s is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"name": name, "size": len(data), "limit": limit}
        )
    claimed = EXTENSIONS.get(PurePath(name).suffix.lower())
    if claimed is None:
        raise DocumentRejected(
            _("%(name)s: only PDF, DOCX and TXT files are accepted (by their extension).") % {"name": name}
        )
    actual = sniff(data)
    if actual != claimed:
        raise DocumentRejected(
            _("%(name)s is named as %(claimed)s but its content is %(actual)s; the file is refused.")
            % {"name": name, "claimed": KIND_NAMES[claimed], "actual": KIND_NAMES[actual]}
        )
    if claimed == "pdf":
        text = _pdf_text(data, name)
    elif claimed == "docx":
        text = _docx_text(data, name)
    else:
        text = _decode_text(data) or ""
    return _normalise(text), claimed


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else Windows-1251 — the two encodings Russian office files use."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return None
    # cp1251 decodes almost any byte string; accept it only if it reads as text.
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return text if printable >= 0.95 * len(text) else None


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentRejected(
                _("%(name)s is a password-protected PDF; upload an unprotected copy.") % {"name": name}
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentRejected(
            _("%(name)s is a damaged PDF (%(error)s).") % {"name": name, "error": exc}
        ) from exc
    # Pages are separated by a form feed, so offsets can be mapped back to page numbers.
    return "\f".join(pages)


def _docx_text(data: bytes, name: str) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if len(infos) > MAX_ZIP_ENTRIES or total > MAX_ZIP_UNCOMPRESSED or total > MAX_ZIP_RATIO * len(data):
            raise DocumentRejected(
                _("%(name)s expands to %(total)s bytes in %(count)s parts; that is not a plain document.")
                % {"name": name, "total": total, "count": len(infos)}
            )
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, XMLSyntaxError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentRejected(
            _("%(name)s is a damaged DOCX (%(error)s).") % {"name": name, "error": exc}
        ) from exc
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)
