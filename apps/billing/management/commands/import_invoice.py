"""import_invoice: read an operator's invoice file (CSV/XLSX) through a saved column-mapping profile."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.billing.invoices.services import invoice_check, invoice_import
from apps.billing.rating import Month
from apps.contracts.models import Contract
from apps.core.audit import audit_context


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--{name}: {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Import an operator invoice: --profile NAME PATH. Invoice facts from the options or from the "
        "file's invoice_number / issue_date / contract columns; the invoice is then reconciled."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--profile", required=True, help="name of the column-mapping profile")
        parser.add_argument("--contract", help="contract code (else the file's contract column)")
        parser.add_argument("--number", default="", help="invoice number (else the file's column)")
        parser.add_argument("--issued", help="issue date YYYY-MM-DD (else the file's column)")
        parser.add_argument("--received", help="received date YYYY-MM-DD (default today)")
        parser.add_argument("--month", help="billed month YYYY-MM (default the month before issue)")
        parser.add_argument("--due", help="payment due date YYYY-MM-DD")
        parser.add_argument("--timezone", default=None, help="zone of the file's call times")
        parser.add_argument("--json", dest="as_json", action="store_true")

    def handle(self, *args, path, profile, as_json, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"no such file: {path}")
        contract = None
        if options["contract"]:
            contract = Contract.objects.filter(code=options["contract"]).first()
            if contract is None:
                raise CommandError(f"--contract: no contract with code {options['contract']!r}")
        try:
            month = Month.parse(options["month"]) if options["month"] else None
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from exc
        data = file.read_bytes()
        try:
            with audit_context(source="command:import_invoice"), file.open("rb") as stream:
                result = invoice_import(
                    stream=stream,
                    name=file.name,
                    profile_name=profile,
                    contract=contract,
                    number=options["number"],
                    issue_date=_date(options["issued"], "issued"),
                    received_date=_date(options["received"], "received"),
                    month=month,
                    due_date=_date(options["due"], "due"),
                    timezone_name=options["timezone"] or settings.PORTAL_REPORTING_TIMEZONE,
                    keep_file=data,
                )
                check = invoice_check(invoice=result.invoice)
        except ValidationError as exc:
            if as_json:
                self.stdout.write(json.dumps({"imported": False, "errors": exc.messages}, ensure_ascii=False))
            raise CommandError("nothing imported:\n" + "\n".join(exc.messages)) from exc
        summary = {
            **result.as_dict(),
            "imported": True,
            "discrepancies": len(check.discrepancies),
            "disputable": str(check.disputable),
            "price_changes": len(check.price_changes),
        }
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"invoice {summary['number']} ({summary['contract']}, {summary['month']}): "
                f"{summary['lines']} lines ({summary['calls']} calls), net {summary['net']}, "
                f"{summary['discrepancies']} discrepancies, last day to dispute {summary['dispute_by']}"
            )
