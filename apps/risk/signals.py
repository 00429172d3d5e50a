"""A new contract document version is queued for its risk scan as soon as its upload commits.

The contracts app (an earlier app) cannot import this one, so the risk app listens to its saves. The
periodic sweep (`scan_new_documents`) stays as the safety net: if the broker is down at upload time,
the version is scanned by the next sweep instead, and the upload itself never fails because of it.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.contracts.models import ContractDocument

log = logging.getLogger(__name__)


def _enqueue(document_id: int) -> None:
    from .tasks import scan_document

    try:
        scan_document.delay(document_id)
    except Exception:  # the broker being away must not fail an upload; the sweep picks it up
        log.warning("risk scan of document %s not queued; the periodic sweep will scan it", document_id)


@receiver(post_save, sender=ContractDocument, dispatch_uid="risk.scan_new_document_version")
def scan_new_document_version(sender, instance: ContractDocument, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        transaction.on_commit(lambda pk=instance.pk: _enqueue(pk))
