"""Smoke test: the real server, on a migrated and seeded database, answers `/` after a demo login."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from apps.accounts.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`manage.py runserver` in a subprocess with its own SQLite file, migrated and seeded."""
    tmp_path = tmp_path_factory.mktemp("smoke")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'smoke.sqlite3'}", DJANGO_ENV="development", DEBUG="true")
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((tmp_path / "server.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_running_server_shows_the_dashboard_after_a_demo_login(server):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login_url = f"{server}/accounts/login/"
    form = opener.open(login_url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"username": "accounting", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
    ).encode()
    request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})
    with opener.open(request, timeout=30) as response:  # follows the redirect to /
        page = response.read().decode()
        assert response.status == 200
        assert response.url == f"{server}/"
    assert "Dashboard" in page
    assert "Казань" in page and "Уфа" in page
    assert "What we would lose if we changed PBX" in page
    assert "ОблакоАТС" in page
    with opener.open(f"{server}/static/css/portal.css", timeout=30) as css:
        assert css.status == 200


def test_running_server_sends_an_anonymous_visitor_to_login(server):
    with urllib.request.urlopen(f"{server}/", timeout=30) as response:
        assert response.url.startswith(f"{server}/accounts/login/")
