"""pull_calls: pull new call records from a source's API now (what the scheduler does every N minutes)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from apps.calls import services
from apps.calls.connectors import ConnectorUnavailable, get_connector
from apps.calls.models import ImportRun, Source


class Command(BaseCommand):
    help = "Pull call records from the source's API, from its watermark (minus the overlap) until now."

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, help="slug of the source")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print a JSON summary")

    def handle(self, *args, source, as_json, **options):
        src = Source.objects.filter(slug=source).first()
        if src is None:
            raise CommandError(f"there is no source {source!r}")
        if services.has_file_location(src) and not get_connector(src.connector).can_pull:
            return self._scan(src, as_json)
        if not get_connector(src.connector).can_pull:
            raise CommandError(f"{src.connector} cannot pull; use import_calls for its files")
        run = services.run_create_for_pull(source=src)
        try:
            run = services.run_process(run_id=run.pk)
        except ConnectorUnavailable as exc:
            services.run_fail(run_id=run.pk, error=f"source unavailable: {exc}")
            run = ImportRun.objects.get(pk=run.pk)
        summary = services.run_summary(run)
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{src.slug}: read {run.read}, inserted {run.inserted}, duplicates {run.duplicates}, "
                f"rejected {run.rejected} (run #{run.pk}, {run.get_status_display()})"
            )
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(run.error)

    def _scan(self, src, as_json):
        """A drop-folder or SFTP source: import its new files, one run each."""
        from apps.calls.connectors import ConnectorError

        try:
            runs = services.file_location_scan(source=src)
        except ConnectorUnavailable as exc:
            Source.objects.filter(pk=src.pk).update(last_error=f"temporarily unavailable: {exc}")
            raise CommandError(f"source unavailable: {exc}") from exc
        except ConnectorError as exc:
            Source.objects.filter(pk=src.pk).update(last_error=str(exc))
            raise CommandError(str(exc)) from exc
        summaries = [{"file": run.file_name, **services.run_summary(run)} for run in runs]
        if as_json:
            self.stdout.write(json.dumps(summaries, ensure_ascii=False))
        else:
            for run in runs:
                self.stdout.write(
                    f"{run.file_name}: read {run.read}, inserted {run.inserted}, "
                    f"duplicates {run.duplicates}, rejected {run.rejected} "
                    f"(run #{run.pk}, {run.get_status_display()})"
                )
        failed = [run for run in runs if run.status == ImportRun.Status.FAILED]
        if failed:
            raise CommandError("; ".join(f"{run.file_name}: {run.error}" for run in failed))
