"""Production is DEBUG=False plus SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL — nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "PORTAL_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS1mb3ItdGhlLWRlcGxveS1jaGs=",
}


def _manage(*args, env):
    drop = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PORTAL_ENCRYPTION_KEYS", "PORTAL_ENCRYPTION_KEY"}
    base = {k: v for k, v in os.environ.items() if k not in drop}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_sqlite():
    env = {k: v for k, v in PROD_ENV.items() if k != "DATABASE_URL"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr
