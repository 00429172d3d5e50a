"""import_budgets: load department budgets from a CSV or XLSX file (all rows or none)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.billing.budgets_io import BudgetFileError, budgets_import


class Command(BaseCommand):
    help = "Import budgets: columns department, month (YYYY-MM) or year (split evenly), amount, note."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", dest="as_json", action="store_true")

    def handle(self, *args, path, as_json, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            written = budgets_import(path=file)
        except BudgetFileError as exc:
            if as_json:
                self.stdout.write(json.dumps({"written": 0, "errors": exc.errors}, ensure_ascii=False))
            raise CommandError(f"nothing imported:\n{exc}") from exc
        if as_json:
            self.stdout.write(json.dumps({"written": written, "errors": []}))
        else:
            self.stdout.write(f"{written} monthly budgets written")
