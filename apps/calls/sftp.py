"""File pulls over SFTP: a file source whose files live on the PBX itself (Asterisk's Master.csv).

The source's `url` is `sftp://host[:port]/remote/directory`, `login` the user name, the secret the
password and/or `ssh_key` a private key (both stored encrypted, write-only in the admin);
`settings.pattern` the file names to fetch (shell pattern, default `*.csv`) and `settings.host_key`
the server's host key fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`), required: a server
offering another key is refused before any credential is sent, and unknown keys are never accepted.

The bookkeeping is the drop folder's (services.drop_directory_scan): every listed file that has not
changed for DROP_SETTLE_SECONDS, and differs in size or time from the version last imported under its
name (`ImportRun.remote_mtime`), is downloaded into a private temporary directory, then goes through
`run_create_for_file` / `run_process` like an upload — the same bytes (same SHA-256) add nothing, a
file that grew (Master.csv is appended to) is new bytes and is read again whole, its calls already
stored counting as duplicates. The remote files are only read, never moved or deleted. A file whose
size or time changed during its download, or that arrived short, is discarded (never imported) and
fetched again on the next pull.

Outbound policy: that of `asterisk_db` (docs/security.md, docs/calls.md): a PBX sits on the office
network, so private addresses are allowed; loopback, link-local (cloud metadata), multicast, reserved
and unspecified addresses and metadata host names are refused (unless the host is listed in
PORTAL_OUTBOUND_TEST_HOSTS, as 127.0.0.1 in the tests). The host is resolved once, every address
checked, and the connection goes to the checked address.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import io
import ipaddress
import logging
import socket
import stat
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import paramiko
from django.utils import timezone

from apps.core import netguard

from .connectors import ConnectorError, ConnectorUnavailable
from .models import ImportRun, Source

log = logging.getLogger(__name__)

DEFAULT_PORT = 22
DEFAULT_PATTERN = "*.csv"
CONNECT_TIMEOUT = 10.0  # TCP connect, SSH banner, key exchange and authentication, each
READ_TIMEOUT = 30.0  # one SFTP request (a directory listing, a block of a file)
CHUNK = 256 * 1024


@dataclass(frozen=True)
class Location:
    host: str
    port: int
    directory: str
    username: str
    password: str
    key_text: str
    pattern: str
    host_key: str


def is_sftp_url(url: str) -> bool:
    return (url or "").lower().startswith("sftp://")


def location_problem(url: str, settings: dict) -> dict[str, str]:
    """What is wrong with an SFTP location as configured ({field: message}, empty when nothing)."""
    problems = {}
    parts = urllib.parse.urlsplit(url)
    try:
        parts.port  # noqa: B018 — raises on a bad port
    except ValueError:
        problems["url"] = f"{url!r}: the port is not a number from 1 to 65535"
    if not parts.hostname:
        problems["url"] = f"{url!r} names no host (sftp://host[:port]/directory)"
    if parts.username or parts.password:
        problems["url"] = "the user name and password do not belong in the URL: use login and the secret"
    fingerprint = str((settings or {}).get("host_key") or "").strip()
    if not fingerprint:
        problems["settings"] = (
            'an SFTP source needs settings.host_key, the server\'s fingerprint ("SHA256:…", as '
            "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` prints it on the PBX)"
        )
    elif not _valid_fingerprint(fingerprint):
        problems["settings"] = f"settings.host_key {fingerprint!r} is not a SHA256:… fingerprint"
    return problems


def _valid_fingerprint(text: str) -> bool:
    if not text.startswith("SHA256:"):
        return False
    body = text[len("SHA256:") :]
    try:
        return len(base64.b64decode(body + "=" * (-len(body) % 4), validate=True)) == 32
    except ValueError:
        return False


def fingerprint(key: paramiko.PKey) -> str:
    """`SHA256:<base64, unpadded>` of the key's wire form, as OpenSSH prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def location(source: Source) -> Location:
    settings = source.settings or {}
    problems = location_problem(source.url, settings)
    if problems:
        raise ConnectorError("; ".join(problems.values()))
    parts = urllib.parse.urlsplit(source.url)
    return Location(
        host=parts.hostname.lower().rstrip("."),
        port=parts.port or DEFAULT_PORT,
        directory=urllib.parse.unquote(parts.path) or ".",
        username=source.login,
        password=source.secret,
        key_text=source.ssh_key,
        pattern=str(settings.get("pattern") or DEFAULT_PATTERN),
        host_key=str(settings["host_key"]).strip(),
    )


# ------------------------------------------------------------------------------- outbound policy


def address_allowed(address: str) -> bool:
    """A PBX on the office network (private) or the internet (global); never this machine, link-local
    (169.254.169.254), multicast, reserved or unspecified — in any IPv6 embedding of IPv4 too."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        for embedded in (ip.ipv4_mapped, ip.sixtofour, (ip.teredo or (None, None))[1]):
            if embedded is not None and not address_allowed(str(embedded)):
                return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _checked_addresses(host: str, port: int) -> tuple[str, ...]:
    if host in netguard.METADATA_HOSTS:
        raise ConnectorError(f"refused to connect: {host} is a cloud metadata service")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectorUnavailable(f"{host} does not resolve ({exc})") from exc
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if host not in netguard._test_hosts():
        for address in addresses:
            if not address_allowed(address):
                raise ConnectorError(
                    f"refused to connect: {host} resolves to {address}, which is not a PBX address "
                    "(loopback, link-local, multicast or reserved)"
                )
    return addresses


def _connect_socket(loc: Location) -> socket.socket:
    last: OSError | None = None
    for address in _checked_addresses(loc.host, loc.port):
        try:
            return socket.create_connection((address, loc.port), timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            last = exc
    raise ConnectorUnavailable(f"cannot connect to {loc.host}:{loc.port}: {last}")


# ------------------------------------------------------------------------------------- session


def _private_key(text: str) -> paramiko.PKey:
    for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return cls.from_private_key(io.StringIO(text))
        except (paramiko.SSHException, ValueError):
            continue
    raise ConnectorError("the stored private key is not an unencrypted OpenSSH/PEM Ed25519, ECDSA or RSA key")


class Session:
    """One SSH connection to the PBX, its host key checked before any credential is sent."""

    def __init__(self, loc: Location):
        self.loc = loc
        self.transport: paramiko.Transport | None = None
        self.sftp: paramiko.SFTPClient | None = None

    def __enter__(self) -> paramiko.SFTPClient:
        loc = self.loc
        sock = _connect_socket(loc)
        try:
            transport = self.transport = paramiko.Transport(sock)
            transport.banner_timeout = CONNECT_TIMEOUT
            transport.handshake_timeout = CONNECT_TIMEOUT
            transport.auth_timeout = CONNECT_TIMEOUT
            try:
                transport.start_client(timeout=CONNECT_TIMEOUT)
            except (paramiko.SSHException, EOFError, OSError) as exc:
                raise ConnectorUnavailable(f"SSH handshake with {loc.host}:{loc.port} failed: {exc}") from exc
            if not (transport.is_active() and transport.initial_kex_done):  # start_client's timeout ran out
                problem = transport.get_exception() or f"no answer within {CONNECT_TIMEOUT:g} s"
                raise ConnectorUnavailable(f"SSH handshake with {loc.host}:{loc.port} failed: {problem}")
            offered = fingerprint(transport.get_remote_server_key())
            if offered != loc.host_key.rstrip("="):  # OpenSSH prints it unpadded; a pasted pad is fine
                raise ConnectorError(
                    f"host key mismatch: {loc.host}:{loc.port} offered {offered}, the source expects "
                    f"{loc.host_key}; refused (nothing was sent). If the PBX's key really changed, "
                    "check it on the PBX and update settings.host_key"
                )
            self._authenticate(transport)
            self.sftp = paramiko.SFTPClient.from_transport(transport)
            self.sftp.get_channel().settimeout(READ_TIMEOUT)
            return self.sftp
        except BaseException:
            self.close()
            sock.close()
            raise

    def _authenticate(self, transport: paramiko.Transport) -> None:
        loc = self.loc
        if not loc.username:
            raise ConnectorError("an SFTP source needs a login (the SSH user name)")
        if not (loc.password or loc.key_text):
            raise ConnectorError("an SFTP source needs a password (the secret) or a private key")
        failures: list[str] = []
        attempts = []
        if loc.key_text:
            key = _private_key(loc.key_text)
            attempts.append(("key", lambda: transport.auth_publickey(loc.username, key)))
        if loc.password:
            attempts.append(("password", lambda: transport.auth_password(loc.username, loc.password)))
        for method, attempt in attempts:  # the key first, then the password
            try:
                remaining = attempt()
            except paramiko.AuthenticationException as exc:
                failures.append(f"{method}: {exc}")
                continue
            except (paramiko.SSHException, EOFError, OSError) as exc:
                raise ConnectorUnavailable(f"connection to {loc.host} lost while logging in: {exc}") from exc
            if transport.is_authenticated():
                return
            failures.append(f"{method}: the server asks for more ({', '.join(remaining)})")
        raise ConnectorError(f"authentication as {loc.username} on {loc.host} failed: {'; '.join(failures)}")

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self.sftp is not None:
            self.sftp.close()
        if self.transport is not None:
            self.transport.close()


# ----------------------------------------------------------------------------------------- pull


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int
    mtime: int


def _listing(sftp: paramiko.SFTPClient, loc: Location) -> list[RemoteFile]:
    try:
        entries = sftp.listdir_attr(loc.directory)
    except FileNotFoundError as exc:
        raise ConnectorError(f"{loc.host}: the remote directory {loc.directory!r} does not exist") from exc
    except PermissionError as exc:
        raise ConnectorError(f"{loc.host}: no permission to list {loc.directory!r}") from exc
    except (OSError, EOFError, paramiko.SSHException) as exc:
        raise ConnectorUnavailable(f"listing {loc.directory!r} on {loc.host} failed: {exc}") from exc
    files = [
        RemoteFile(entry.filename, entry.st_size or 0, entry.st_mtime or 0)
        for entry in entries
        if stat.S_ISREG(entry.st_mode or 0)
        and not entry.filename.startswith(".")
        and fnmatch.fnmatchcase(entry.filename, loc.pattern)
    ]
    return sorted(files, key=lambda f: f.name)


def _download(sftp: paramiko.SFTPClient, path: str, listed: RemoteFile, target: Path) -> bool:
    """Copy the remote file into `target`; False (target removed) when it changed while being copied
    or arrived short — a partly written or partly downloaded file is never imported."""
    received = 0
    with sftp.open(path, "rb") as remote, open(target, "wb") as local:
        before = remote.stat()
        if (before.st_size, before.st_mtime) != (listed.size, listed.mtime):
            received = -1
        else:
            # All read requests sent at once: without prefetch each 32 KB block waits a round trip (27 s
            # for 23 MB on loopback), and paramiko's max_concurrent_requests stalled for ~25 s now and
            # then (measured). Blocks are written out as they arrive, so little waits in memory.
            remote.prefetch(before.st_size)
            while received < before.st_size:
                block = remote.read(min(CHUNK, before.st_size - received))
                if not block:
                    break
                local.write(block)
                received += len(block)
    after = sftp.stat(path)
    if received != listed.size or (after.st_size, after.st_mtime) != (listed.size, listed.mtime):
        target.unlink(missing_ok=True)
        return False
    return True


def sftp_scan(*, source: Source, now: float | None = None) -> list[ImportRun]:
    """Import every new or grown file of the source's remote directory, each version once.

    Raises ConnectorError (permanent: host key, credentials, directory, address) or ConnectorUnavailable
    (transient: refused, timed out, dropped); the files imported before a failure stay imported."""
    from . import services

    loc = location(source)
    runs: list[ImportRun] = []
    with tempfile.TemporaryDirectory(prefix="calls-sftp-") as scratch, Session(loc) as sftp:
        clock = now if now is not None else time.time()
        for remote in _listing(sftp, loc):
            if clock - remote.mtime < services.DROP_SETTLE_SECONDS:
                continue  # still being written: the next pull takes it
            seen = ImportRun.objects.filter(
                source=source,
                file_name=remote.name,
                bytes_total=remote.size,
                remote_mtime=remote.mtime,
                status=ImportRun.Status.SUCCEEDED,
            ).first()
            if seen is not None:  # the same size and time as a version already imported: not fetched again
                runs.append(seen)
                continue
            path = f"{loc.directory.rstrip('/')}/{remote.name}" if loc.directory != "." else remote.name
            target = Path(scratch) / "download"
            try:
                complete = _download(sftp, path, remote, target)
            except FileNotFoundError:
                continue  # gone since the listing (rotated away): nothing to import
            except (OSError, EOFError, paramiko.SSHException) as exc:
                message = f"download of {remote.name} from {loc.host} broke off: {exc}"
                raise ConnectorUnavailable(message) from exc
            if not complete:
                log.info("sftp %s: %s changed while downloading; next pull", source.slug, remote.name)
                continue
            try:
                with open(target, "rb") as handle:
                    run, _created = services.run_create_for_file(
                        source=source, stream=handle, name=remote.name, store=False
                    )
                if run.file_name == remote.name:
                    ImportRun.objects.filter(pk=run.pk).update(remote_mtime=remote.mtime)
                if run.status == ImportRun.Status.PENDING:  # new, or queued again after a failure
                    run = services.run_process(run_id=run.pk, path=target)
            finally:
                target.unlink(missing_ok=True)
            if run.status in (ImportRun.Status.PENDING, ImportRun.Status.RUNNING):
                continue  # another worker has these bytes
            runs.append(run)
    update = {"last_pull_at": timezone.now()}
    if not any(run.status == ImportRun.Status.FAILED for run in runs):
        update["last_error"] = ""  # reached and read: an earlier refusal is no longer true
    Source.objects.filter(pk=source.pk).update(**update)
    return runs
