from __future__ import annotations

import pytest
from django.db import connection

from .vault import Vault


@pytest.fixture
def vault_table(db):
    """The test-only Vault model's table. `core` has no migrations, so the test database is built with
    run_syncdb and already holds it (the model is imported at collection, before the database exists)."""
    assert Vault._meta.db_table in connection.introspection.table_names(), "vault table missing"
    return Vault
