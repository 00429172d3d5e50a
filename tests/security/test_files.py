"""Uploaded files are checked before parsing; exports cannot carry formulas; PDFs fetch only our statics."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core import exports, files, pdf


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


class _Endless(io.RawIOBase):
    """A stream that never ends, counting what was read from it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def read(self, n=-1):
        n = 65536 if n is None or n < 0 else n
        self.read_bytes += n
        return b"a" * n


def test_an_upload_over_the_cap_is_refused_while_streaming():
    stream = _Endless()
    with pytest.raises(files.FileRejected, match=r"calls\.csv: larger than 1 MiB"):
        files.read_capped(stream, name="calls.csv", max_bytes=2**20)
    assert stream.read_bytes <= 2**20 + files.CHUNK


def test_an_upload_under_the_cap_is_read_whole():
    assert files.read_capped(io.BytesIO(b"x" * 1000), name="a.csv", max_bytes=1000) == b"x" * 1000


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("numbers.xlsx", b"<!DOCTYPE html><html><body>hi</body></html>", "a web page"),
        ("numbers.xlsx", b"number;city\n+78432000000;Kazan\n", "plain text"),
        ("numbers.csv", _zip({"a.txt": b"x"}), "a zip archive"),
        ("numbers.csv", b"\x00\x01\x02binary", "binary data"),
        ("contract.pdf", b"PK\x03\x04rest", "a zip archive"),
        ("numbers.xls", b"number,city\n", "plain text"),
    ],
)
def test_content_that_contradicts_the_extension_is_refused_naming_both(name, content, said):
    with pytest.raises(files.FileRejected, match=said):
        files.check_content_matches(name, content[:2048])


def test_content_that_matches_the_extension_is_accepted():
    assert files.check_content_matches("n.xlsx", _xlsx([["a"]])[:16]) == ".xlsx"
    assert files.check_content_matches("n.CSV", "номер;город\n".encode()) == ".csv"
    assert files.check_content_matches("c.pdf", b"%PDF-1.7\n") == ".pdf"


def test_an_unknown_extension_is_refused():
    with pytest.raises(files.FileRejected, match=r"\.exe are not accepted"):
        files.check_content_matches("tool.exe", b"MZ\x90\x00")


def test_a_zip_bomb_is_refused_from_its_directory_before_inflating():
    bomb = _zip(
        {"xl/workbook.xml": b"<w/>", "[Content_Types].xml": b"<t/>", "xl/worksheets/s.xml": b"0" * 50_000_000}
    )
    assert len(bomb) < 200_000
    with pytest.raises(files.FileRejected, match="zip bomb"):
        files.check_xlsx(bomb, name="bomb.xlsx")
    with pytest.raises(files.FileRejected, match="unpacks to 48 MiB"):
        files.check_xlsx(bomb, name="bomb.xlsx", max_unpacked=10 * 2**20)


def test_an_archive_with_too_many_parts_is_refused():
    many = _zip({f"xl/p{i}.xml": b"<x/>" for i in range(30)})
    with pytest.raises(files.FileRejected, match="30 parts inside"):
        files.check_zip_archive(many, name="many.xlsx", max_entries=20)


def test_an_archive_with_an_escaping_path_is_refused():
    with pytest.raises(files.FileRejected, match="unsafe path"):
        files.check_zip_archive(_zip({"../../etc/cron.d/x": b"x"}), name="evil.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    with pytest.raises(files.FileRejected, match="not an Excel workbook"):
        files.check_xlsx(_zip({"word/document.xml": b"<d/>"}), name="letter.xlsx")


def test_a_real_workbook_passes():
    files.check_xlsx(_xlsx([["number", "city"], ["+78432000000", "Kazan"]]), name="ok.xlsx")


def test_rows_over_the_cap_are_refused_without_reading_the_rest():
    seen = []

    def rows():
        for i in range(10**9):
            seen.append(i)
            yield [i]

    with pytest.raises(files.FileRejected, match="more than 100 rows"):
        list(files.capped_rows(rows(), name="big.csv", max_rows=100))
    assert len(seen) == 101


def test_openpyxl_parses_through_defusedxml():
    assert files.defusedxml_active()


def test_a_billion_laughs_workbook_is_refused_by_the_xml_parser():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    source = io.BytesIO(_xlsx([["a"]]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = laughs if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item, data)
    files.check_xlsx(out.getvalue(), name="lol.xlsx")  # small and a valid zip...
    with pytest.raises(ValueError, match="invalid XML") as refused:  # ...but defusedxml refuses entities
        openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert "EntitiesForbidden" in repr(refused.value.__context__)


PAYLOADS = ["=1+2", "+7(843)", "-2+3", "@SUM(A1)", "\tx", "\rx", "\0x", "=cmd|' /C calc'!A0"]


def test_csv_export_neutralises_every_formula_trigger():
    text = exports.csv_text(["value"], [[p] for p in PAYLOADS] + [[-5], ["plain"]])
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert all(cell.startswith("'") for cell in cells[: len(PAYLOADS)])
    assert cells[-2:] == ["-5", "plain"]


def test_xlsx_export_keeps_payloads_as_text_never_formulas():
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([("s", ["value"], [[p] for p in PAYLOADS])])))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * len(PAYLOADS)
    assert cells[0].value == "=1+2" and cells[-1].value == "=cmd|' /C calc'!A0"


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(value):
    assert exports.restore(exports.neutralize(value)) == value


def test_the_import_export_formats_neutralise_admin_exports():
    import tablib

    data = tablib.Dataset(['=HYPERLINK("http://x")', 1], headers=["name", "n"])
    assert next(csv.reader(io.StringIO(exports.SafeCSV().export_data(data).splitlines()[1])))[0].startswith(
        "'="
    )
    book = openpyxl.load_workbook(io.BytesIO(exports.SafeXLSX().export_data(data)))
    assert book.active["A2"].data_type == "s"


def test_a_pdf_fetches_our_static_files_and_nothing_else(tmp_path):
    fetcher = pdf.StaticOnlyFetcher()
    html = """
      <link rel="stylesheet" href="/static/css/portal.css">
      <img src="file:///etc/passwd"><img src="http://169.254.169.254/latest/meta-data/">
      <link rel="stylesheet" href="https://10.0.0.1/x.css"><img src="/static/../../settings.py">
      <a rel="attachment" href="file:///etc/hostname">x</a>
      <p>report</p>"""
    body = pdf.render_pdf(html, fetcher=fetcher)
    assert body.startswith(b"%PDF-")
    assert set(fetcher.blocked) == {
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/x.css",
        "https://portal.invalid/settings.py",
        "file:///etc/hostname",
    }


def test_every_import_export_admin_offers_only_checked_and_formula_safe_formats():
    from apps.core.checks import check_import_export_admins

    assert check_import_export_admins() == []


def test_an_admin_exporting_plain_csv_fails_the_system_check(monkeypatch):
    from django.contrib import admin
    from import_export.formats.base_formats import CSV

    from apps.core.checks import check_import_export_admins
    from apps.telecom.models import PhoneNumber

    monkeypatch.setattr(type(admin.site._registry[PhoneNumber]), "export_formats", [CSV])
    assert [e.id for e in check_import_export_admins()] == ["core.E005"]


@pytest.mark.django_db
def test_an_admin_export_of_numbers_neutralises_formulas(client_as):
    from django.urls import reverse

    from tests.factories import PhoneNumberFactory

    PhoneNumberFactory(notes='=HYPERLINK("http://evil.example/","click")')
    fields = ["number", "notes"]
    data = {"format": "0", "resource": "0", **{f"phonenumberresource_{f}": "on" for f in fields}}
    response = client_as("admin").post(reverse("admin:telecom_phonenumber_export"), data)
    assert response.status_code == 200, response.content[:300]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert cells == ['\'=HYPERLINK("http://evil.example/","click")']


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("numbers.xlsx", b"<!DOCTYPE html><html>login page</html>", "a web page"),
        ("numbers.csv", _zip({"xl/workbook.xml": b"<w/>"}), "a zip archive"),
    ],
)
def test_an_admin_upload_whose_content_contradicts_its_name_is_refused(client_as, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from apps.telecom.models import PhoneNumber

    data = {"import_file": SimpleUploadedFile(name, content), "resource": "0"}
    data["format"] = "1" if name.endswith("xlsx") else "0"
    response = client_as("admin").post(reverse("admin:telecom_phonenumber_import"), data)
    assert message in response.content.decode()
    assert PhoneNumber.objects.count() == 0


def test_every_pdf_in_the_apps_is_rendered_with_a_fetcher_that_opens_only_our_static_files():
    """WeasyPrint's default fetcher opens file://, intranet and metadata URLs: every `HTML(...)` in apps/
    must go through apps.core.pdf.render_pdf or pass a static-only `url_fetcher`."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    unguarded = []
    for path in sorted((root / "apps").rglob("*.py")):
        if path == root / "apps" / "core" / "pdf.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "HTML"
                and not any(k.arg == "url_fetcher" for k in node.keywords)
            ):
                unguarded.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not unguarded, f"PDFs rendered with WeasyPrint's default fetcher: {unguarded}"
