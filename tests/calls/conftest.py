"""Helpers for the calls tests: build Master.csv lines, import bytes through the real pipeline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from apps.calls import services
from apps.calls.connectors.base import Context

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cdr"


def master_line(
    *,
    src="101",
    dst="89171234567",
    context="from-internal",
    clid='"Ivanova" <101>',
    channel="PJSIP/101-0000001a",
    dstchannel="PJSIP/trunk-kzn-0000001b",
    start="2025-03-03 10:15:02",
    answer="2025-03-03 10:15:09",
    end="2025-03-03 10:17:44",
    duration=162,
    billsec=155,
    disposition="ANSWERED",
    extra=(),
    unquoted_tail=None,
) -> str:
    """One Master.csv line exactly as cdr_csv.c writes it: strings quoted (inner quotes doubled),
    integers bare, an empty answer written as a bare comma."""

    def q(text):
        return '"' + str(text).replace('"', '""') + '"'

    fields = [q("sales"), q(src), q(dst), q(context), q(clid), q(channel), q(dstchannel), q("Dial")]
    fields += [q(f"PJSIP/{dst}@trunk-kzn,60,tT"), q(start), q(answer) if answer else "", q(end)]
    fields += [str(duration), str(billsec), q(disposition), q("DOCUMENTATION")]
    fields += [q(x) for x in extra]
    if unquoted_tail is not None:
        fields.append(str(unquoted_tail))
    return ",".join(fields) + "\n"


@pytest.fixture(autouse=True)
def outbound_test_hosts(settings):
    """The fake vendor servers listen on 127.0.0.1: exempt it (and only it) from the SSRF guard."""
    settings.PORTAL_OUTBOUND_TEST_HOSTS = ["127.0.0.1"]


@pytest.fixture
def run_import():
    """run_import(source, data: bytes, name) → the finished ImportRun, through the real services."""

    def do(source, data: bytes, name: str = "Master.csv"):
        run, _created = services.run_create_for_file(source=source, stream=io.BytesIO(data), name=name)
        return services.run_process(run_id=run.pk)

    return do


def parse(connector_cls, data: bytes, **settings):
    context = Context(
        timezone=settings.pop("timezone", "Europe/Moscow"), trunks=frozenset(settings.pop("trunks", ()))
    )
    context.settings = settings
    return list(connector_cls(context).read_file(io.BytesIO(data)))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
