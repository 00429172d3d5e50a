"""python manage.py import_rates --tariff CODE PATH [--replace] [--dry-run] [--json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.contracts.models import Tariff
from apps.contracts.rates_io import RatesFileError
from apps.contracts.services import rates_import


class Command(BaseCommand):
    help = (
        "Import a tariff's price list (CSV or XLSX: prefix, destination, price_per_minute, connection_fee)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .csv or .xlsx file")
        parser.add_argument("--tariff", required=True, help="tariff code")
        parser.add_argument("--replace", action="store_true", help="remove prefixes that are not in the file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            tariff = Tariff.objects.get(code=options["tariff"])
        except Tariff.DoesNotExist:
            raise CommandError(f"no tariff with code {options['tariff']!r}") from None
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            result = rates_import(
                tariff=tariff,
                data=data,
                filename=path.name,
                replace=options["replace"],
                dry_run=options["dry_run"],
            )
        except RatesFileError as exc:
            if options["json"]:
                errors = [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors]
                self.stdout.write(
                    json.dumps({"ok": False, "file": path.name, "errors": errors}, ensure_ascii=False)
                )
                raise CommandError(f"{len(exc.errors)} problem(s); nothing imported") from exc
            for error in exc.errors:
                self.stderr.write(f"{path.name}: {error}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {path.name}; nothing imported") from exc
        if options["json"]:
            self.stdout.write(json.dumps({"ok": True, "file": path.name, **result.as_dict()}))
        else:
            verb = "would import" if result.dry_run else "imported"
            self.stdout.write(
                f"{path.name} → {result.tariff}: {verb} {result.rows} rows "
                f"({result.created} new, {result.updated} changed, {result.unchanged} unchanged, "
                f"{result.deleted} removed)"
            )
