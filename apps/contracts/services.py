"""Writes of the contracts app: documents, rate imports, the notice digest."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.accounts.roles import GROUP_NAMES, Role
from apps.core import audit
from apps.core.documents import DocumentRejected, content_type_of, extract_text

from .models import Contract, ContractDocument, NoticeDigest, Rate, Tariff
from .rates_io import read_rates


@transaction.atomic
def contract_document_add(
    *, contract: Contract, data: bytes, filename: str, note: str = "", uploaded_by=None
) -> ContractDocument:
    """Store a new version of a contract's text: checked, text extracted, SHA-256 recorded."""
    text, kind = extract_text(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    # Lock the contract row so two uploads at once cannot take the same version number.
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    existing = ContractDocument.objects.filter(contract=contract, sha256=digest).first()
    if existing is not None:
        raise DocumentRejected(
            _("%(name)s is the same file as version %(version)s of %(contract)s; nothing was added.")
            % {"name": filename, "version": existing.version, "contract": contract.code}
        )
    version = (ContractDocument.objects.filter(contract=contract).aggregate(m=Max("version"))["m"] or 0) + 1
    document = ContractDocument(
        contract=contract,
        version=version,
        original_name=filename[-255:],
        kind=kind,
        content_type=content_type_of(kind),
        size=len(data),
        sha256=digest,
        text=text,
        note=note,
        uploaded_by=uploaded_by,
    )
    document.file.save(f"{digest}.{kind}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        document.file.delete(save=False)
        raise
    return document


@dataclass(frozen=True)
class RatesImportResult:
    tariff: str
    rows: int
    created: int
    updated: int
    unchanged: int
    deleted: int
    dry_run: bool

    def as_dict(self) -> dict:
        return asdict(self)


BATCH = 2000


@transaction.atomic
def rates_import(
    *, tariff: Tariff, data: bytes, filename: str, replace: bool = False, dry_run: bool = False
) -> RatesImportResult:
    """Load a price list into `tariff`: all rows or none (RatesFileError lists every bad row).

    New prefixes are added and changed ones updated; with `replace`, prefixes missing from the file are
    removed, so the tariff holds exactly the file. `dry_run` checks and counts but writes nothing.
    """
    rows = read_rates(data, filename)
    existing = {rate.prefix: rate for rate in Rate.objects.filter(tariff=tariff)}
    to_create, to_update = [], []
    before = {}  # audit: the changed rates as they were
    unchanged = 0
    for row in rows:
        rate = existing.pop(row.prefix, None)
        if rate is None:
            to_create.append(
                Rate(
                    tariff=tariff,
                    prefix=row.prefix,
                    destination=row.destination,
                    price_per_minute=row.price_per_minute,
                    connection_fee=row.connection_fee,
                )
            )
        elif (rate.destination, rate.price_per_minute, rate.connection_fee) != (
            row.destination,
            row.price_per_minute,
            row.connection_fee,
        ):
            before.update(audit.snapshot([rate]))
            rate.destination = row.destination
            rate.price_per_minute = row.price_per_minute
            rate.connection_fee = row.connection_fee
            to_update.append(rate)
        else:
            unchanged += 1
    to_delete = [rate.pk for rate in existing.values()] if replace else []
    if not dry_run:
        Rate.objects.bulk_create(to_create, batch_size=BATCH)
        Rate.objects.bulk_update(
            to_update, ["destination", "price_per_minute", "connection_fee", "updated_at"], batch_size=BATCH
        )
        audit.record_created(Rate, to_create)  # bulk writes skip the model signals: record them here
        audit.record_updated(Rate, to_update, before)  # (the deletes below send post_delete per row)
        for start in range(0, len(to_delete), BATCH):
            Rate.objects.filter(pk__in=to_delete[start : start + BATCH]).delete()
    return RatesImportResult(
        tariff=tariff.code,
        rows=len(rows),
        created=len(to_create),
        updated=len(to_update),
        unchanged=unchanged,
        deleted=len(to_delete),
        dry_run=dry_run,
    )


def notice_digest_recipients() -> list[str]:
    """E-mail addresses of the active lawyers and admins."""
    User = get_user_model()
    groups = [GROUP_NAMES[Role.LAWYER], GROUP_NAMES[Role.ADMIN]]
    users = User.objects.filter(is_active=True, groups__name__in=groups).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notice_digest_contracts(*, on: dt.date, days: int | None = None) -> list[tuple[Contract, dt.date]]:
    """Signed contracts whose last day to give notice is within `days` of `on`, soonest first."""
    days = settings.PORTAL_NOTICE_WINDOW_DAYS if days is None else days
    contracts = Contract.objects.in_notice_window(on=on, days=days).prefetch_related("parties__provider")
    found = [(c, c.next_notice_deadline(on)) for c in contracts]
    return sorted(found, key=lambda item: (item[1], item[0].code))


@transaction.atomic
def notice_digest_send(*, on: dt.date) -> NoticeDigest | None:
    """Send the day's digest once: a second call for the same day sends nothing and returns None.

    Nothing is sent (and nothing recorded) when no deadline is near or no one has an e-mail address.
    """
    if NoticeDigest.objects.filter(day=on).exists():
        return None
    items = notice_digest_contracts(on=on)
    recipients = notice_digest_recipients()
    if not items or not recipients:
        return None
    digest, created = NoticeDigest.objects.get_or_create(
        day=on, defaults={"recipients": ", ".join(recipients), "contract_count": len(items)}
    )
    if not created:
        return None  # another worker claimed this day between our check and our insert
    rows = [
        {"contract": c, "deadline": deadline, "term_end": c.key_dates(deadline).term_end}
        for c, deadline in items
    ]
    context = {"on": on, "rows": rows, "days": settings.PORTAL_NOTICE_WINDOW_DAYS}
    subject = _("Contracts: %(n)s notice deadline(s) within %(days)s days") % {
        "n": len(items),
        "days": settings.PORTAL_NOTICE_WINDOW_DAYS,
    }
    send_mail(
        subject,
        render_to_string("contracts/email/notice_digest.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return digest
