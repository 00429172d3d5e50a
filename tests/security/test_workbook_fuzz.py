"""Issue 10, item 10 for the inventory workbook importer (apps.core.workbook): hypothesis writes sheets
with the real column names and hostile cell values (and files of arbitrary bytes); the import may only
answer with row/field errors or succeed — no exception escapes, and a refused import writes nothing."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.workbook import WorkbookError, read_xlsx_bytes, workbook_import, workbook_sheets
from apps.telecom.models import PhoneNumber

pytestmark = pytest.mark.django_db

SHEETS = workbook_sheets()
COLUMNS = {name: list(resource().get_export_headers()) for name, resource in SHEETS}

cell = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.from_regex(r"\+?[78]?[ (]?\d{3}[) ]?\d{3}-?\d{2}-?\d{2}", fullmatch=True),  # phone-like
    st.from_regex(r"-?\d{1,9}([.,]\d{1,6})?", fullmatch=True),  # money-like, decimal comma too
    st.from_regex(r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}", fullmatch=True),  # date-like, some invalid
    st.sampled_from(["=1+1", "'=cmd", "@SUM(A1)", "NaN", "inf", "-0", "1e400", "\x00", "TRUE", "нет"]),
)


@st.composite
def workbook(draw):
    """{sheet name: CSV text}: a few declared sheets, a subset of their columns, random rows."""
    chosen = draw(
        st.lists(st.sampled_from([name for name, _ in SHEETS]), min_size=1, max_size=3, unique=True)
    )
    files = {}
    for name in chosen:
        columns = draw(st.lists(st.sampled_from(COLUMNS[name]), min_size=1, unique=True))
        rows = draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), max_size=6))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(rows)
        files[name] = buffer.getvalue()
    return files


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=workbook())
def test_hostile_sheets_get_row_errors_or_import_never_an_exception(files):
    before = PhoneNumber.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            Path(folder, f"{name}.csv").write_text(text, encoding="utf-8")
        result = workbook_import(path=folder)
    if not result.ok:
        assert all(e.message for e in result.errors)
        assert PhoneNumber.objects.count() == before  # all or nothing
        assert (result.created, result.updated) == (0, 0)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.sampled_from([name for name, _ in SHEETS]))
def test_a_sheet_of_arbitrary_bytes_is_refused_with_a_message(data, name):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, f"{name}.csv").write_bytes(data)
        result = workbook_import(path=folder, dry_run=True)
    assert result.ok or all(e.message for e in result.errors)


@settings(max_examples=40)
@given(tail=st.binary(max_size=300))
def test_an_xlsx_upload_of_arbitrary_bytes_raises_only_a_workbook_error(tail):
    with pytest.raises(WorkbookError):
        read_xlsx_bytes(b"PK\x03\x04" + tail, "upload.xlsx")
