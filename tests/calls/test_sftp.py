"""File pulls over SFTP against a real SSH server on 127.0.0.1 (paramiko's server side, in a thread):
it serves a temporary directory read-only, presents its own host key and checks the password or the
public key — the client under test is the portal's, unchanged."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import threading
import time
from pathlib import Path

import paramiko
import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from apps.calls import services, sftp, tasks
from apps.calls.connectors import ConnectorError, ConnectorUnavailable
from apps.calls.models import CallRecord, ImportRun, QuarantinedRow, Source

from .conftest import master_line

USER, PASSWORD = "asterisk", "correct horse"
HOST_KEY = paramiko.ECDSAKey.generate()
CLIENT_KEY = paramiko.ECDSAKey.generate()


class _ReadOnlyFiles(paramiko.SFTPServerInterface):
    """The server's file system: `root` read-only (list, stat, open for reading)."""

    def __init__(self, server, *args, root: Path, hooks: dict, **kwargs):
        super().__init__(server, *args, **kwargs)
        self.root = root
        self.hooks = hooks

    def _local(self, path: str) -> Path:
        local = (self.root / path.lstrip("/")).resolve()
        if local != self.root and self.root not in local.parents:
            raise PermissionError(path)
        return local

    def list_folder(self, path):
        try:
            local = self._local(path)
            names = sorted(os.listdir(local))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno or 13)
        listing = []
        for name in names:
            listing.append(paramiko.SFTPAttributes.from_stat(os.stat(local / name), filename=name))
            if "during_listing" in self.hooks:
                self.hooks.pop("during_listing")()
        return listing

    def stat(self, path):
        try:
            return paramiko.SFTPAttributes.from_stat(os.stat(self._local(path)))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno or 13)

    lstat = stat

    def open(self, path, flags, attr):
        if flags & (os.O_WRONLY | os.O_RDWR):
            return paramiko.SFTP_PERMISSION_DENIED
        try:
            local = self._local(path)
            handle = paramiko.SFTPHandle(flags)
            handle.readfile = open(local, "rb")  # noqa: SIM115 — SFTPHandle closes it
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno or 13)
        handle.stat = lambda: paramiko.SFTPAttributes.from_stat(os.fstat(handle.readfile.fileno()))
        self.hooks.setdefault("opened", []).append(local.name)
        if "on_open" in self.hooks:
            self.hooks.pop("on_open")(local)
        return handle


class _Auth(paramiko.ServerInterface):
    def get_allowed_auths(self, username):
        return "password,publickey"

    def check_auth_password(self, username, password):
        ok = username == USER and password == PASSWORD
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_auth_publickey(self, username, key):
        ok = username == USER and key.asbytes() == CLIENT_KEY.asbytes()
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return (
            paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED
        )


class SFTPServer:
    """An SSH server on 127.0.0.1 serving `root`; `hooks` run server-side at chosen moments."""

    def __init__(self, root: Path, host_key: paramiko.PKey = HOST_KEY):
        self.root = root.resolve()
        self.host_key = host_key
        self.hooks: dict = {}
        self.logins = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.transports: list[paramiko.Transport] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            transport = paramiko.Transport(conn)
            transport.add_server_key(self.host_key)
            transport.set_subsystem_handler(
                "sftp", paramiko.SFTPServer, _ReadOnlyFiles, root=self.root, hooks=self.hooks
            )
            self.transports.append(transport)
            try:
                transport.start_server(server=_Auth())
            except (paramiko.SSHException, EOFError, OSError):
                continue

    def close(self):
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone does not)
        self.listener.close()
        for transport in self.transports:
            transport.close()
        self.thread.join(5)


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "pbx"
    (root / "var/log/asterisk/cdr-csv").mkdir(parents=True)
    srv = SFTPServer(root)
    yield srv
    srv.close()


CDR_DIR = "/var/log/asterisk/cdr-csv"


def _write(server, name: str, text: str, *, age: int = 60) -> Path:
    path = server.root / CDR_DIR.lstrip("/") / name
    path.write_text(text)
    past = time.time() - age  # written a minute ago: settled (a fresher file waits for the next pull)
    os.utime(path, (past, past))
    return path


def _source(server, *, host_key: str | None = None, password: str = PASSWORD, key: str = "", **settings):
    source = Source(
        slug="kazan-pbx",
        connector="asterisk_csv",
        timezone="Europe/Moscow",
        url=f"sftp://127.0.0.1:{server.port}{CDR_DIR}",
        login=USER,
        schedule_minutes=5,
        settings={"host_key": sftp.fingerprint(HOST_KEY) if host_key is None else host_key, **settings},
    )
    source.secret = password
    source.ssh_key = key
    source.full_clean()
    source.save()
    return source


def _line(hour: int, **kw) -> str:
    return master_line(
        start=f"2025-03-03 {hour:02d}:00:00", answer="", end=f"2025-03-03 {hour:02d}:01:00", **kw
    )


@pytest.mark.django_db
def test_first_pull_imports_and_a_second_adds_nothing(server):
    _write(server, "Master.csv", _line(10) + _line(11))
    _write(server, "notes.txt", "not a CDR file")  # outside the pattern
    source = _source(server)
    [run] = sftp.sftp_scan(source=source)
    assert (run.file_name, run.status, run.read, run.inserted, run.rejected) == (
        "Master.csv",
        "succeeded",
        2,
        2,
        0,
    )
    assert CallRecord.objects.filter(source=source).count() == 2
    assert not run.file  # the PBX keeps the file; no copy of every grown version piles up here

    assert server.hooks["opened"] == ["Master.csv"]
    again = sftp.sftp_scan(source=source)
    assert [r.pk for r in again] == [run.pk]  # the same file: the same run, nothing added
    assert server.hooks["opened"] == ["Master.csv"]  # same size and time: not even downloaded again

    # Touched without a change (same bytes, new time): downloaded, recognised by its SHA-256, nothing added.
    _write(server, "Master.csv", _line(10) + _line(11), age=30)
    assert [r.pk for r in sftp.sftp_scan(source=source)] == [run.pk]
    assert server.hooks["opened"] == ["Master.csv", "Master.csv"]
    assert ImportRun.objects.count() == 1 and CallRecord.objects.count() == 2
    assert (server.root / CDR_DIR.lstrip("/") / "Master.csv").exists()  # never moved or deleted


@pytest.mark.django_db
def test_a_grown_master_csv_is_read_again_and_adds_only_its_new_calls(server):
    path = _write(server, "Master.csv", _line(10) + _line(11))
    source = _source(server)
    [first] = sftp.sftp_scan(source=source)
    _write(server, "Master.csv", path.read_text() + _line(12) + _line(13))  # Asterisk appended two
    [second] = sftp.sftp_scan(source=source)
    assert second.pk != first.pk
    assert (second.read, second.inserted, second.duplicates, second.rejected) == (4, 2, 2, 0)
    assert CallRecord.objects.count() == 4


@pytest.mark.django_db
def test_a_file_being_written_or_changing_during_download_is_not_imported(server):
    _write(server, "Master.csv", _line(10), age=0)  # modified just now: still being written
    source = _source(server)
    assert sftp.sftp_scan(source=source) == [] and ImportRun.objects.count() == 0

    _write(server, "Master.csv", _line(10))
    # The PBX appends while the portal downloads: the partial copy is thrown away, nothing imported.
    server.hooks["on_open"] = lambda local: local.write_text(_line(10) + _line(11))
    assert sftp.sftp_scan(source=source) == []
    assert ImportRun.objects.count() == 0 and CallRecord.objects.count() == 0

    _write(server, "Master.csv", _line(10) + _line(11))
    [run] = sftp.sftp_scan(source=source)  # settled: taken whole
    assert run.inserted == 2


@pytest.mark.django_db
def test_a_file_appearing_during_the_listing_waits_for_its_turn(server):
    _write(server, "Master-1.csv", _line(10))
    source = _source(server)
    server.hooks["during_listing"] = lambda: _write(server, "Master-2.csv", _line(11), age=0)
    runs = sftp.sftp_scan(source=source)
    assert [r.file_name for r in runs] == ["Master-1.csv"]  # the newcomer is not settled yet
    _write(server, "Master-2.csv", _line(11))
    runs = sftp.sftp_scan(source=source)
    assert [(r.file_name, r.inserted) for r in runs] == [("Master-1.csv", 1), ("Master-2.csv", 1)]
    assert CallRecord.objects.count() == 2


@pytest.mark.django_db
def test_a_file_vanishing_after_the_listing_is_skipped(server):
    doomed = _write(server, "Master-0.csv", _line(9))
    _write(server, "Master-1.csv", _line(10))
    server.hooks["during_listing"] = doomed.unlink  # rotated away once listed
    runs = sftp.sftp_scan(source=_source(server))
    assert [r.file_name for r in runs] == ["Master-1.csv"] and CallRecord.objects.count() == 1


@pytest.mark.django_db
def test_bad_rows_are_quarantined_with_the_file_name(server):
    _write(server, "Master.csv", _line(10) + master_line(start="yesterday", end="2025-03-03 10:01:00"))
    source = _source(server)
    call_command("pull_calls", "--source", source.slug)
    run = ImportRun.objects.get()
    assert (run.file_name, run.inserted, run.rejected) == ("Master.csv", 1, 1)
    row = QuarantinedRow.objects.get(run=run)
    assert row.line == 2 and "yesterday" in row.reason


@pytest.mark.django_db
def test_a_private_key_logs_in(server):
    _write(server, "Master.csv", _line(10))
    text = io.StringIO()
    CLIENT_KEY.write_private_key(text)
    source = _source(server, password="", key=text.getvalue())
    assert Source.objects.get(pk=source.pk).ssh_key_encrypted != text.getvalue()  # stored encrypted
    [run] = sftp.sftp_scan(source=source)
    assert run.inserted == 1


@pytest.mark.django_db
def test_a_wrong_host_key_is_refused_before_logging_in(server):
    _write(server, "Master.csv", _line(10))
    other = sftp.fingerprint(paramiko.ECDSAKey.generate())
    source = _source(server, host_key=other)
    with pytest.raises(ConnectorError, match="host key mismatch"):
        sftp.sftp_scan(source=source)
    assert ImportRun.objects.count() == 0 and CallRecord.objects.count() == 0
    assert not any(t.is_authenticated() for t in server.transports)  # no credential was sent

    # Through the scheduled task: a permanent error, not retried, shown on the source page.
    assert tasks.scan_drop_folder.apply(args=[source.pk]).get() == []
    assert "host key mismatch" in Source.objects.get(pk=source.pk).last_error


@pytest.mark.django_db
def test_a_wrong_password_is_a_permanent_error_on_the_source_page(server, client, django_user_model):
    _write(server, "Master.csv", _line(10))
    source = _source(server, password="wrong")
    with pytest.raises(ConnectorError, match="authentication as asterisk"):
        sftp.sftp_scan(source=source)
    with pytest.raises(CommandError, match="authentication"):
        call_command("pull_calls", "--source", source.slug)
    assert ImportRun.objects.count() == 0
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    page = client.get(f"/calls/sources/{source.slug}/")
    assert "authentication as asterisk on 127.0.0.1 failed" in page.content.decode()


@pytest.mark.django_db
def test_a_server_that_is_down_or_silent_is_transient_and_retried(server, monkeypatch):
    source = _source(server)
    server.close()  # nothing listens on the port any more: connection refused
    with pytest.raises(ConnectorUnavailable, match="cannot connect"):
        sftp.sftp_scan(source=source)

    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never says a word
    monkeypatch.setattr(sftp, "CONNECT_TIMEOUT", 0.5)
    source.url = f"sftp://127.0.0.1:{silent.getsockname()[1]}{CDR_DIR}"
    source.save()
    try:
        with pytest.raises(ConnectorUnavailable, match="handshake"):
            sftp.sftp_scan(source=source)
        # The task retries a transient failure (eager: the retry raises Retry) and says so on the page.
        with pytest.raises(Retry):
            tasks.scan_drop_folder.apply(args=[source.pk], throw=True)
    finally:
        silent.close()
    assert Source.objects.get(pk=source.pk).last_error.startswith("temporarily unavailable")
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_the_beat_queues_an_sftp_source_like_a_drop_folder(server):
    _write(server, "Master.csv", _line(10))
    source = _source(server)
    assert services.drop_sources_due() == [source.pk]
    Source.objects.filter(pk=source.pk).update(last_pull_at=None)
    assert tasks.pull_due_sources.apply().get() == []  # no API pull; the scan ran eagerly
    assert ImportRun.objects.get().inserted == 1 and Source.objects.get(pk=source.pk).last_error == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host",
    ["169.254.169.254", "[::1]", "localhost", "0.0.0.0", "224.0.0.1", "[::ffff:169.254.169.254]", "metadata"],
)
def test_addresses_that_are_no_pbx_are_refused_and_the_lan_is_allowed(server, settings, host):
    settings.PORTAL_OUTBOUND_TEST_HOSTS = []
    source = _source(server)
    source.url = f"sftp://{host}:22{CDR_DIR}"
    source.save()
    with pytest.raises(ConnectorError, match="refused to connect"):
        sftp.sftp_scan(source=source)
    assert sftp.address_allowed("10.0.0.5") and sftp.address_allowed("192.168.1.20")


@pytest.mark.django_db
def test_the_source_refuses_an_sftp_location_without_a_valid_host_key(server):
    with pytest.raises(ValidationError, match="host_key"):
        _source(server, host_key="")
    source = Source(
        slug="x", connector="asterisk_csv", url="sftp://pbx.local/cdr", settings={"host_key": "md5:aa"}
    )
    with pytest.raises(ValidationError, match="not a SHA256"):
        source.full_clean()
    source.connector, source.settings = "zadarma", {"host_key": sftp.fingerprint(HOST_KEY)}
    with pytest.raises(ValidationError, match="does not read files"):
        source.full_clean()


@pytest.mark.django_db
def test_the_admin_takes_the_private_key_write_only(server, client, django_user_model):
    source = _source(server)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    text = io.StringIO()
    CLIENT_KEY.write_private_key(text)
    url = f"/admin/calls/source/{source.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(settings=form["settings"].value(), new_ssh_key=text.getvalue())
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.ssh_key.strip() == text.getvalue().strip() and source.secret == PASSWORD
    page = client.get(url).content.decode()
    assert text.getvalue().splitlines()[1] not in page  # never shown back
    _write(server, "Master.csv", _line(10))
    source.secret = ""
    source.save()
    assert sftp.sftp_scan(source=source)[0].inserted == 1  # logged in with the key alone


@pytest.mark.django_db
def test_a_refused_key_falls_back_to_the_password(server):
    _write(server, "Master.csv", _line(10))
    text = io.StringIO()
    paramiko.ECDSAKey.generate().write_private_key(text)  # a key the server does not know
    [run] = sftp.sftp_scan(source=_source(server, key=text.getvalue()))
    assert run.inserted == 1
    with pytest.raises(ConnectorError, match=r"key: .*; password: "):
        sftp.sftp_scan(source=_source_again(server, key=text.getvalue(), password="wrong"))


def _source_again(server, **kwargs) -> Source:
    Source.objects.filter(slug="kazan-pbx").update(slug="kazan-pbx-old")
    return _source(server, **kwargs)


@pytest.mark.django_db
def test_a_file_of_many_blocks_arrives_whole(server):
    lines = [
        master_line(start=f"2025-03-03 {10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}", answer="",
                    end="2025-03-03 23:59:59")
        for i in range(3000)
    ]  # fmt: skip
    path = _write(server, "Master.csv", "".join(lines))
    assert path.stat().st_size > 2 * sftp.CHUNK
    [run] = sftp.sftp_scan(source=_source(server, host_key=sftp.fingerprint(HOST_KEY) + "="))
    assert (run.read, run.inserted, run.rejected, run.bytes_total) == (3000, 3000, 0, path.stat().st_size)
