"""File pulls from a drop folder: each new file imported once (by checksum), moved to processed/;
a file that cannot be imported moves to quarantine/ with the reason beside it; bad rows quarantined."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.core.management import CommandError, call_command

from apps.calls import services, tasks
from apps.calls.connectors import ConnectorError
from apps.calls.models import CallRecord, ImportRun, QuarantinedRow, Source

from .conftest import master_line


@pytest.fixture
def drop(settings, tmp_path):
    settings.CALLS_DROP_ROOT = str(tmp_path)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    folder = tmp_path / "kazan"
    folder.mkdir()
    return folder


def _old(path):
    """As if written a minute ago (a file still being written is left for the next scan)."""
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


def _source(**settings):
    return Source.objects.create(
        slug="kazan-drop", connector="asterisk_csv", timezone="Europe/Moscow",
        settings={"directory": "kazan", **settings}, schedule_minutes=5,
    )  # fmt: skip


@pytest.mark.django_db
def test_new_files_are_imported_once_and_moved_to_processed(drop):
    a = master_line(start="2025-03-03 10:00:00", end="2025-03-03 10:01:00")
    b = master_line(start="2025-03-03 11:00:00", end="2025-03-03 11:01:00")
    (drop / "Master-1.csv").write_text(a + b)
    (drop / "Master-2.csv").write_text(b + master_line(start="bad", end="2025-03-03 11:01:00"))
    (drop / ".partial.csv").write_text(a)  # hidden: an upload in progress
    for name in ("Master-1.csv", "Master-2.csv"):
        _old(drop / name)
    (drop / "Master-3.csv").write_text(a)  # just written: waits
    source = _source()
    runs = services.drop_directory_scan(source=source)
    assert [(r.file_name, r.status, r.inserted, r.duplicates, r.rejected) for r in runs] == [
        ("Master-1.csv", "succeeded", 2, 0, 0),
        ("Master-2.csv", "succeeded", 0, 1, 1),
    ]
    assert sorted(p.name for p in (drop / "processed").iterdir()) == ["Master-1.csv", "Master-2.csv"]
    assert sorted(p.name for p in drop.iterdir() if p.is_file()) == [".partial.csv", "Master-3.csv"]
    assert QuarantinedRow.objects.get(run=runs[1]).line == 2
    assert all(run.file for run in runs)  # each run keeps its copy of the file, to re-process

    # The same bytes dropped again (another name) add nothing and are moved away too.
    (drop / "Master-1-again.csv").write_text(a + b)
    _old(drop / "Master-1-again.csv")
    again = services.drop_directory_scan(source=source)
    assert [(r.pk, r.inserted) for r in again] == [(runs[0].pk, 2)] and CallRecord.objects.count() == 2
    assert (drop / "processed" / "Master-1-again.csv").exists()


@pytest.mark.django_db
def test_a_file_that_cannot_be_imported_is_quarantined_with_its_reason(drop):
    source = _source(layout=["nonsense"])  # a layout the connector refuses: the whole file fails
    (drop / "Master.csv").write_text(master_line())
    _old(drop / "Master.csv")
    [run] = services.drop_directory_scan(source=source)
    assert run.status == "failed" and "layout" in run.error
    assert (drop / "quarantine" / "Master.csv").exists()
    reason = (drop / "quarantine" / "Master.csv.error.txt").read_text()
    assert f"run #{run.pk} failed" in reason and "layout" in reason


@pytest.mark.django_db
def test_a_folder_outside_the_drop_root_is_refused(drop):
    source = _source()
    source.settings = {"directory": "../../etc"}
    source.save()
    with pytest.raises(ConnectorError, match="outside the drop root"):
        services.drop_directory_scan(source=source)


@pytest.mark.django_db
def test_pull_calls_scans_a_drop_folder_and_the_beat_queues_due_ones(drop, capsys):
    (drop / "Master.csv").write_text(master_line())
    _old(drop / "Master.csv")
    source = _source()
    assert services.drop_sources_due() == [source.pk]
    assert services.drop_sources_due() == []  # marked as scanned: not queued again within 5 minutes
    Source.objects.filter(pk=source.pk).update(last_pull_at=None)
    assert tasks.pull_due_sources.apply().get() == []  # no API pull; the scan ran eagerly
    assert ImportRun.objects.get().inserted == 1
    (drop / "Other.csv").write_text(master_line(start="2025-03-03 12:00:00", end="2025-03-03 12:01:00"))
    _old(drop / "Other.csv")
    call_command("pull_calls", "--source", source.slug, "--json")
    [summary] = json.loads(capsys.readouterr().out)
    assert summary["file"] == "Other.csv" and summary["inserted"] == 1
    source.settings = {"directory": "missing"}
    source.save()
    with pytest.raises(CommandError, match="does not exist"):
        call_command("pull_calls", "--source", source.slug)
    # Scans never touch the watermark (files have no time window).
    assert Source.objects.get(pk=source.pk).watermark is None
