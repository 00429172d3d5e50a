"""Offline fakes of the vendors' HTTP APIs, served on 127.0.0.1 by the tests.

Each fake enforces the documented contract (reference/cdr-formats.md): it recomputes signatures and
refuses bad ones, enforces windows and page sizes, rate-limits with 429, answers "not ready", and
returns the vendor's error payloads. It shares no code with the connectors: the signature is
recomputed here from the protocol description.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeServer:
    """Runs `handle(method, path, query, headers, body) -> (status, headers, body)` on 127.0.0.1."""

    def __init__(self):
        fake = self
        self.requests: list[tuple[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method):
                parsed = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fake.requests.append((method, parsed.path))
                status, headers, payload = fake.handle(method, parsed.path, parsed.query, self.headers, body)
                if isinstance(payload, dict | list):
                    payload = json.dumps(payload).encode()
                    headers = {"Content-Type": "application/json", **headers}
                elif isinstance(payload, str):
                    payload = payload.encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, method, path, query, headers, body):  # pragma: no cover - overridden
        raise NotImplementedError


class FakeZadarma(FakeServer):
    """`/v1/statistics/` and `/v1/statistics/pbx/` with HMAC-SHA1 (base64 of the hex digest) auth,
    ≤1 month per request, ≤1000 rows per page, 3 statistics requests per `rate_window` seconds."""

    def __init__(
        self, *, key="zd-key", secret="zd-secret", stats=(), pbx=(), rate_window=60.0, tz="Europe/Moscow"
    ):
        super().__init__()
        self.key, self.secret = key, secret
        self.stats, self.pbx = list(stats), list(pbx)
        self.rate_window = rate_window
        self.recent: list[float] = []
        self.rate_limited = 0
        self.fail_after: int | None = None  # answer 500 to every request after this many good ones
        self.served = 0
        self.windows: list[tuple[str, str]] = []

    def _error(self, status, message):
        return status, {}, {"status": "error", "message": message}

    def handle(self, method, path, query, headers, body):
        if method != "GET" or path not in ("/v1/statistics/", "/v1/statistics/pbx/"):
            return self._error(404, "Method not found")
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        canonical = urllib.parse.urlencode(sorted(params.items()))
        data = path + canonical + hashlib.md5(canonical.encode()).hexdigest()
        expected = base64.b64encode(
            hmac.new(self.secret.encode(), data.encode(), hashlib.sha1).hexdigest().encode()
        )
        if headers.get("Authorization") != f"{self.key}:{expected.decode()}":
            return self._error(401, "Not authorized")
        now = time.monotonic()
        self.recent = [t for t in self.recent if now - t < self.rate_window]
        if len(self.recent) >= 3:
            self.rate_limited += 1
            retry = self.rate_window - (now - self.recent[0])
            return (
                429,
                {"Retry-After": f"{max(retry, 0.05):.2f}"},
                {"status": "error", "message": "Too many requests"},
            )
        self.recent.append(now)
        if self.fail_after is not None and self.served >= self.fail_after:
            return self._error(500, "Internal error")
        try:
            start = dt.datetime.fromisoformat(params["start"])
            end = dt.datetime.fromisoformat(params["end"])
        except (KeyError, ValueError):
            return self._error(400, "start and end are required as YYYY-MM-DD HH:MM:SS")
        month_later = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=min(start.day, 28))
        if end > max(month_later, start + dt.timedelta(days=28)):
            return self._error(400, "The period must not exceed one month")
        limit = int(params.get("limit", 1000))
        skip = int(params.get("skip", 0))
        if limit > 1000:
            return self._error(400, "limit must be at most 1000")
        if path.endswith("/pbx/"):
            if params.get("version") != "2":
                return self._error(400, "version is required")
            rows = [r for r in self.pbx if r.get("call_type", "in") == params.get("call_type", "in")]
        else:
            rows = self.stats
        self.windows.append((params["start"], params["end"]))
        chosen = sorted(
            (r for r in rows if start <= dt.datetime.fromisoformat(r["callstart"]) <= end),
            key=lambda r: r["callstart"],
        )[skip : skip + limit]
        self.served += 1
        return 200, {}, {"status": "success", "start": params["start"], "end": params["end"], "stats": chosen}


class FakeMango(FakeServer):
    """VPBX `stats/request` + `stats/result`: recomputes sign = sha256(key + json + salt), answers 204
    `not_ready_polls` times per report, then the `;` lines in the requested field order."""

    def __init__(self, *, key="mango-key", salt="mango-salt", calls=(), not_ready_polls=2):
        super().__init__()
        self.key, self.salt = key, salt
        self.calls = list(calls)  # dicts of every field
        self.not_ready_polls = not_ready_polls
        self.reports: dict[str, dict] = {}
        self.polls = 0

    def handle(self, method, path, query, headers, body):
        if method != "POST" or "application/x-www-form-urlencoded" not in (headers.get("Content-Type") or ""):
            return 400, {}, {"result": 3100, "message": "POST a form"}
        form = dict(urllib.parse.parse_qsl(body.decode()))
        text = form.get("json", "")
        if (
            form.get("vpbx_api_key") != self.key
            or form.get("sign") != hashlib.sha256((self.key + text + self.salt).encode()).hexdigest()
        ):
            return 401, {}, {"result": 3102, "message": "invalid sign or key"}
        payload = json.loads(text)
        if path.endswith("/stats/request"):
            start, end = int(payload["date_from"]), int(payload["date_to"])
            if end - start > 86400 or end <= start:
                return 200, {}, {"result": 3101, "message": "period must be one day at most"}
            key = f"report-{len(self.reports) + 1}"
            self.reports[key] = {
                "start": start,
                "end": end,
                "fields": payload["fields"].split(","),
                "waits": 0,
            }
            return 200, {}, {"key": key}
        if path.endswith("/stats/result"):
            report = self.reports.get(payload.get("key"))
            if report is None:
                return 200, {}, {"result": 3103, "message": "unknown key"}
            self.polls += 1
            if report["waits"] < self.not_ready_polls:
                report["waits"] += 1
                return 204, {}, b""
            chosen = [c for c in self.calls if report["start"] <= c["start"] < report["end"]]
            lines = [";".join(str(c[f]) for f in report["fields"]) for c in chosen]
            return (
                200,
                {"Content-Type": "text/plain; charset=utf-8"},
                "\n".join(lines) + ("\n" if lines else ""),
            )
        return 404, {}, {"result": 3100, "message": "unknown command"}


class FakeUis(FakeServer):
    """Data API v2.0 `get.calls_report`: JSON-RPC 2.0 envelope, access_token, ≤3-month windows,
    offset paging with total_items, and the documented error codes."""

    def __init__(self, *, token="uis-token", calls=(), max_calls_per_window=1000, ip_allowed=True):
        super().__init__()
        self.token = token
        self.calls = list(calls)
        self.max_calls_per_window = max_calls_per_window
        self.ip_allowed = ip_allowed
        self.served = 0

    def _error(self, rid, code, mnemonic, message, field=None):
        data = {"mnemonic": mnemonic}
        if field:
            data["field"] = field
        return (
            200,
            {},
            {"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": message, "data": data}},
        )

    def handle(self, method, path, query, headers, body):
        try:
            envelope = json.loads(body)
        except ValueError:
            return self._error(None, -32700, "parse_error", "Parse error")
        rid = envelope.get("id")
        if envelope.get("jsonrpc") != "2.0" or "method" not in envelope:
            return self._error(rid, -32600, "invalid_request", "Invalid request")
        if envelope["method"] != "get.calls_report":
            return self._error(rid, -32601, "method_not_found", "Method not found")
        params = envelope.get("params") or {}
        if params.get("access_token") != self.token:
            return self._error(rid, -32001, "access_token_invalid", "Access token invalid")
        if not self.ip_allowed:
            return self._error(rid, -32003, "ip_not_whitelisted", "IP not whitelisted")
        if self.served >= self.max_calls_per_window:
            return self._error(rid, -32029, "limit_exceeded", "Limit exceeded")
        for name in ("date_from", "date_till"):
            if name not in params:
                return self._error(
                    rid, -32602, "required_parameter_missed", "Required parameter missed", name
                )
        start = dt.datetime.fromisoformat(params["date_from"])
        end = dt.datetime.fromisoformat(params["date_till"])
        if end - start > dt.timedelta(days=92):
            return self._error(
                rid, -32602, "date_interval_limit_reached", "Date interval limit reached", "date_till"
            )
        limit, offset = int(params.get("limit", 1000)), int(params.get("offset", 0))
        if limit > 10000:
            return self._error(rid, -32602, "invalid_parameter_value", "Invalid parameter value", "limit")
        self.served += 1
        chosen = sorted(
            (c for c in self.calls if start <= dt.datetime.fromisoformat(c["start_time"]) <= end),
            key=lambda c: (c["start_time"], c["id"]),
        )
        page = [
            {f: c.get(f) for f in params.get("fields", c.keys())} for c in chosen[offset : offset + limit]
        ]
        result = {"data": page, "metadata": {"total_items": len(chosen)}}
        return 200, {}, {"jsonrpc": "2.0", "id": rid, "result": result}
