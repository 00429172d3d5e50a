"""rate_calls: rate (or re-rate) the calls of a month, optionally of one contract only."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from apps.billing import services
from apps.billing.rating import Month
from apps.contracts.models import Contract


class Command(BaseCommand):
    help = (
        "Rate the call records of a month (YYYY-MM, reporting time zone) by the tariffs in force. "
        "Running it again changes only calls whose outcome changed (e.g. after a tariff correction). "
        "Without --month: rate every month that has calls not rated yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM; omit to rate the months with new calls")
        parser.add_argument("--contract", help="code of a contract: re-rate only its calls")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print a JSON summary")

    def handle(self, *args, month, contract, as_json, **options):
        chosen = None
        if contract:
            chosen = Contract.objects.filter(code=contract).first()
            if chosen is None:
                raise CommandError(f"no contract with code {contract!r}")
        if month:
            try:
                runs = [services.calls_rate(month=Month.parse(month), contract=chosen)]
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        elif chosen is not None:
            raise CommandError("--contract needs --month")
        else:
            runs = services.calls_rate_new()
        summary = [services.rating_run_summary(run) for run in runs]
        if as_json:
            self.stdout.write(json.dumps(summary if not month else summary[0], ensure_ascii=False))
            return
        if not runs:
            self.stdout.write("no calls waiting to be rated")
        for item in summary:
            self.stdout.write(
                f"{item['month']}: {item['calls']} calls — {item['created']} newly rated, "
                f"{item['changed']} changed, {item['unchanged']} unchanged, {item['unrated']} unrated "
                f"(run #{item['run']})"
            )
