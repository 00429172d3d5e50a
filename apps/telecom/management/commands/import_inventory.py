"""`manage.py import_inventory PATH [--dry-run] [--json]`: load the inventory workbook, all or nothing."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from apps.core.workbook import workbook_import


class Command(BaseCommand):
    help = (
        "Import the inventory workbook: an .xlsx file (one sheet per resource) or a folder of <sheet>.csv "
        "files. Nothing is written unless every row of every sheet is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an .xlsx workbook or a folder of CSV files")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument(
            "--json", action="store_true", help='print {"created", "updated", "errors": [...]} as JSON'
        )

    def handle(self, *args, path, dry_run, json: bool = False, **options):
        result = workbook_import(path=path, dry_run=dry_run)
        if json:
            self.stdout.write(_dumps(result.as_dict()))
        else:
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"warning: {warning}"))
            for error in result.errors:
                self.stderr.write(self.style.ERROR(str(error)))
            checked_only = " (checked, not written)" if result.errors or dry_run else ""
            for sheet, counts in result.sheets.items():
                self.stdout.write(
                    f"{sheet}: {counts['created']} new, {counts['updated']} changed, "
                    f"{counts['unchanged']} unchanged, {counts['errors']} bad rows{checked_only}"
                )
            if result.errors:
                self.stdout.write(self.style.ERROR(f"{len(result.errors)} error(s): nothing was written."))
            elif dry_run:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Dry run: would create {result.created} and update {result.updated}; "
                        "nothing written."
                    )
                )
            else:
                self.stdout.write(self.style.SUCCESS(f"Created {result.created}, updated {result.updated}."))
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s) in {path}; nothing was written.", returncode=1)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
