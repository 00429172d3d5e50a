"""`manage.py export_inventory PATH`: write the inventory workbook (.xlsx, or a folder of CSV files)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.core.workbook import workbook_export


class Command(BaseCommand):
    help = (
        "Export the inventory workbook: PATH ending in .xlsx → one workbook; any other PATH → a CSV folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        counts = workbook_export(path=path)
        for sheet, rows in counts.items():
            self.stdout.write(f"{sheet}: {rows} rows")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
