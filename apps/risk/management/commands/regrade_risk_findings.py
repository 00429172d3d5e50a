"""`manage.py regrade_risk_findings [--dry-run] [--contract CODE]`: grade stored findings again under the
severity policy in force (defaults + the lawyer's settings)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.contracts.models import ContractDocument
from apps.risk.services import findings_regrade


class Command(BaseCommand):
    help = "Regrade stored risk findings under the current severity policy (decisions are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
        parser.add_argument("--contract", help="only the document versions of this contract (its code)")

    def handle(self, *args, **options):
        documents = None
        if options["contract"]:
            documents = ContractDocument.objects.filter(contract__code=options["contract"]).values("pk")
            if not documents.exists():
                raise CommandError(f"No contract document versions for contract {options['contract']!r}.")
        report = findings_regrade(documents=documents, dry_run=options["dry_run"])
        prefix = "Dry run, nothing written: " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
