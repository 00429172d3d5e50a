"""Re-encrypt every stored secret under the newest key of PORTAL_ENCRYPTION_KEYS.

Rotation: put the new key first in PORTAL_ENCRYPTION_KEYS (keep the old ones after it), restart, run
this command, then drop the old keys. `--check` only reports how many secrets are not yet under the
newest key (exit status 1 if any), so a deployment can verify before dropping a key.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from apps.core import crypto


class Command(BaseCommand):
    help = "Re-encrypt every registered encrypted field under the newest PORTAL_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report only; exit 1 if any key is old")
        parser.add_argument("--json", action="store_true", dest="as_json", help="machine-readable summary")

    def handle(self, *args, check: bool = False, as_json: bool = False, **options):
        summary = []
        try:
            with transaction.atomic():
                for model, name, _transparent in crypto.encrypted_fields():
                    summary.append(_rotate_column(model, name, dry_run=check))
        except crypto.SecretUnreadable as exc:
            raise CommandError(f"{exc}; nothing was changed") from exc
        stale = sum(row["old_key"] for row in summary)
        if as_json:
            self.stdout.write(_json({"fields": summary, "old_key": stale, "checked_only": check}))
        else:
            for row in summary:
                verb = "under an old key" if check else "re-encrypted"
                done = row["old_key"] if check else row["rotated"]
                self.stdout.write(f"{row['field']}: {row['secrets']} secrets, {done} {verb}")
        if check and stale:
            raise CommandError(f"{stale} secrets are still encrypted under an old key")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def _rotate_column(model, name: str, *, dry_run: bool) -> dict:
    """Work on the raw column: the ORM would decrypt (transparent fields) and re-encrypt on write."""
    field = model._meta.get_field(name)
    qn = connection.ops.quote_name
    table, column, pk = qn(model._meta.db_table), qn(field.column), qn(model._meta.pk.column)
    rotated = old = total = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''")
        rows = cursor.fetchall()
        for key, token in rows:
            total += 1
            if not crypto.is_under_primary_key(token):
                old += 1
                crypto.decrypt(token)  # raises SecretUnreadable before anything is written
            if dry_run:
                continue
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [crypto.rotate(token), key])
            rotated += 1
    return {"field": f"{model._meta.label}.{name}", "secrets": total, "old_key": old, "rotated": rotated}
