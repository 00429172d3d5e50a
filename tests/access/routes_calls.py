"""Access rows of the calls app: accounting and marketing read calls and runs and may upload;
sources are configured in the admin; the lawyer has no business with call records."""

from .matrix import ACCOUNTING, ADMIN, MARKETER, Route, Secret, roles

READERS = roles(ACCOUNTING, MARKETER, ADMIN)


def _call():
    from tests.calls.factories import CallRecordFactory

    return {"pk": CallRecordFactory().pk}


def _run():
    from tests.calls.factories import ImportRunFactory

    return {"pk": ImportRunFactory().pk}


def _source():
    from tests.calls.factories import SourceFactory

    return {"slug": SourceFactory().slug}


ROUTES = [
    Route("calls-api:callrecord-list", kind="api", read=READERS),
    Route("calls-api:callrecord-detail", kind="api", read=READERS, kwargs=_call),
    Route("calls-api:importrun-list", kind="api", read=READERS, write=READERS),
    Route("calls-api:importrun-detail", kind="api", read=READERS, kwargs=_run),
    Route("calls-api:importrun-quarantined", kind="api", read=READERS, kwargs=_run),
    Route("calls:upload", read=READERS),
    Route("calls:runs", read=READERS),
    Route("calls:run", read=READERS, kwargs=_run),
    Route("calls:run-progress", read=READERS, kwargs=_run),
    Route("calls:sources", read=READERS),
    Route("calls:source", read=READERS, kwargs=_source),
    Route(
        "calls:freeswitch-push",
        kind="public",
        skip="POST-only push receiver with its own Basic auth; tests/calls/test_push_and_db.py",
    ),
]


def _store_source_secret(canary: str) -> None:
    from tests.calls.factories import SourceFactory

    source = SourceFactory(url="https://api.example.com/", login="canary-login")
    source.secret = canary
    source.save()


def _store_source_ssh_key(canary: str) -> None:
    from tests.calls.factories import SourceFactory

    source = SourceFactory(
        url="sftp://pbx.example.com/var/log/asterisk/cdr-csv",
        login="asterisk",
        settings={"host_key": "SHA256:" + "A" * 43},
    )
    source.ssh_key = canary
    source.save()


SECRETS = [
    Secret("calls.Source.secret_encrypted", _store_source_secret),
    Secret("calls.Source.ssh_key_encrypted", _store_source_ssh_key),
]
