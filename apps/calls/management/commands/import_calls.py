"""import_calls: import call-record files of any connector (its native format) into one source."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.calls import services
from apps.calls.connectors import REGISTRY, ConnectorError
from apps.calls.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import call-record files into a source (created on first use with --format and --timezone). "
        "A file already imported into that source (same SHA-256) adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--source", required=True, help="slug of the source (created if new)")
        parser.add_argument(
            "--format", dest="kind", choices=sorted(REGISTRY), help="connector slug; needed for a new source"
        )
        parser.add_argument("--timezone", help="the PBX's time zone for a new source (default TIME_ZONE)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print a JSON summary")

    def handle(self, *args, paths, source, kind, timezone, as_json, **options):
        missing = [p for p in paths if not Path(p).is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        try:
            src = services.source_ensure(slug=source, connector=kind, timezone_name=timezone)
        except (ValidationError, ConnectorError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        total = {"read": 0, "inserted": 0, "duplicates": 0, "rejected": 0, "errors": []}
        failed = False
        for path in paths:
            with open(path, "rb") as handle:
                run, created = services.run_create_for_file(
                    source=src, stream=handle, name=str(path), store=False
                )
            if not created:
                self.stderr.write(f"{path}: already imported as run #{run.pk} (same SHA-256); nothing added")
                continue
            progress = self._progress_bar(path) if sys.stderr.isatty() and not as_json else None
            run = services.run_process(run_id=run.pk, path=path, progress=progress)
            if progress is not None:
                self.stderr.write("")
            summary = services.run_summary(run)
            for key in ("read", "inserted", "duplicates", "rejected"):
                total[key] += summary[key]
            prefix = f"{path}: " if len(paths) > 1 else ""
            errors = summary["errors"]
            total["errors"] += [{"line": e["line"], "reason": prefix + e["reason"]} for e in errors]
            if run.status == ImportRun.Status.FAILED:
                failed = True
                self.stderr.write(f"{path}: failed: {run.error}")
            elif not as_json:
                self.stdout.write(
                    f"{path}: read {run.read}, inserted {run.inserted}, duplicates {run.duplicates}, "
                    f"rejected {run.rejected} (run #{run.pk})"
                )
        if as_json:
            self.stdout.write(json.dumps(total, ensure_ascii=False))
        if failed:
            raise CommandError("some files could not be imported")

    def _progress_bar(self, path):
        width = 30

        def show(run):
            done = int(width * run.progress_percent / 100)
            bar = "#" * done + "-" * (width - done)
            self.stderr.write(f"\r{path} [{bar}] {run.progress_percent:3d}% {run.read} rows", ending="")
            self.stderr.flush()

        return show
