"""import_calls and pull_calls as an operator scripts them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.calls.models import CallRecord, Source

from .conftest import FIXTURES, master_line


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_calls", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_calls_creates_the_source_and_prints_the_json_summary(tmp_path):
    path = FIXTURES / "asterisk" / "smallcdr.csv"
    out, _ = _run("--source", "office-pbx", "--format", "asterisk_csv", "--timezone", "Asia/Yekaterinburg",
                  str(path), "--json")  # fmt: skip
    assert json.loads(out) == {"read": 45, "inserted": 44, "duplicates": 1, "rejected": 0, "errors": []}
    source = Source.objects.get(slug="office-pbx")
    assert (source.connector, source.timezone) == ("asterisk_csv", "Asia/Yekaterinburg")
    out, err = _run("--source", "office-pbx", str(path), "--json")
    assert json.loads(out)["inserted"] == 0 and "already imported" in err
    assert CallRecord.objects.count() == 44


@pytest.mark.django_db
def test_import_calls_lists_rejected_lines(tmp_path):
    path = tmp_path / "Master.csv"
    path.write_text(master_line() + "garbage\n")
    out, _ = _run("--source", "s", "--format", "asterisk_csv", str(path), "--json")
    summary = json.loads(out)
    assert (summary["read"], summary["inserted"], summary["rejected"]) == (2, 1, 1)
    assert summary["errors"] == [{"line": 2, "reason": "expected 16 to 21 columns, found 1"}]


@pytest.mark.django_db
def test_import_calls_refuses_an_unknown_new_source_without_format(tmp_path):
    path = tmp_path / "Master.csv"
    path.write_text(master_line())
    with pytest.raises(CommandError, match="give --format"):
        _run("--source", "nowhere", str(path))


@pytest.mark.django_db
def test_pull_calls_refuses_a_file_only_source():
    Source.objects.create(slug="files", connector="asterisk_csv")
    with pytest.raises(CommandError, match="cannot pull"):
        call_command("pull_calls", "--source", "files", stdout=io.StringIO())
