"""cost_report: build the monthly cost report per department and write it as JSON, CSV, XLSX or PDF."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.billing import services
from apps.billing.rating import Month

FORMATS = ("json", "csv", "xlsx", "pdf")


class Command(BaseCommand):
    help = (
        "Build the cost report of a month from the stored ratings (run rate_calls first) and fixed fees, "
        "and write it to --out (or JSON to standard output when --out is '-')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM in the reporting time zone")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
        parser.add_argument("--out", required=True, help="file to write; '-' = standard output (json/csv)")

    def handle(self, *args, month, fmt, out, **options):
        try:
            chosen = Month.parse(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if out == "-" and fmt in ("xlsx", "pdf"):
            raise CommandError(f"{fmt} is binary: give a file name with --out")
        if out != "-" and not Path(out).resolve().parent.is_dir():
            raise CommandError(f"the folder of {out} does not exist")
        report = services.cost_report_build(month=chosen)
        content = services.cost_report_render(report, fmt=fmt)
        if out == "-":
            self.stdout.write(content.decode("utf-8-sig"))
            return
        Path(out).write_bytes(content)
        self.stderr.write(f"{chosen}: wrote {fmt.upper()} ({len(content)} bytes) to {out}")
