"""`manage.py scan_contract PATH [--json]`: scan one contract file and print its risk findings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.documents import DocumentRejected, extract_text
from apps.risk.policy import RANK, SEVERITIES
from apps.risk.rules import scan


def read_contract_text(path: Path) -> str:
    """The text whose characters the findings' offsets index.

    A .txt file is decoded as UTF-8 byte for byte (no newline translation), so offsets are the file's
    own characters. PDF and DOCX go through `apps.core.documents.extract_text` (the same text a stored
    contract document version keeps, so offsets agree with the contract page).
    """
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        data = path.read_bytes()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from exc
    if suffix in {".pdf", ".docx"}:
        try:
            text, _kind = extract_text(path.read_bytes(), path.name)
        except DocumentRejected as exc:
            raise CommandError(f"{path}: {' '.join(exc.messages)}") from exc
        return text
    raise CommandError(f"{path}: unsupported file type {suffix or '(none)'}; expected .txt, .pdf or .docx")


class Command(BaseCommand):
    help = "Scan a contract (.txt, .pdf, .docx) for risky clauses and print the findings."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--json", action="store_true", help="print the findings as JSON")
        parser.add_argument(
            "--min-severity", choices=SEVERITIES, default="info", help="omit findings below this severity"
        )
        parser.add_argument("--home-city", default=None, help="our city: a court there counts as low risk")
        parser.add_argument("--lang", choices=("ru", "en"), default=None, help="override language detection")

    def handle(self, *args, **options):
        text = read_contract_text(options["path"])
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        findings = [
            f
            for f in scan(text, home_city=options["home_city"], lang=options["lang"])
            if RANK[f.severity] >= RANK[options["min_severity"]]
        ]
        if options["json"]:
            payload = {"sha256": digest, "findings": [f.as_json() for f in findings]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{options['path']}  sha256 {digest}  {len(findings)} finding(s)")
        if not findings:
            return
        header = f"{'severity':<9} {'code':<24} {'clause':<10} {'direction':<13} {'chars':<13} quote"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for f in findings:
            quote = " ".join(f.quote.split())
            quote = quote if len(quote) <= 90 else quote[:87] + "..."
            chars = f"{f.start}-{f.end}"
            self.stdout.write(
                f"{f.severity:<9} {f.code:<24} {f.clause:<10} {f.direction:<13} {chars:<13} {quote}"
            )
            shown = {k: v for k, v in f.parameters.items() if v not in (None, False)}
            if shown:
                self.stdout.write(f"{'':<9} parameters: {json.dumps(shown, ensure_ascii=False)}")
            self.stdout.write(f"{'':<9} ask: {f.suggestion['ask']}")
