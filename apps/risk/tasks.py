"""Background jobs of the risk review (ids in, one service call, nothing else)."""

from __future__ import annotations

from celery import shared_task

from apps.contracts.models import ContractDocument

from .services import document_scan, documents_to_scan, findings_regrade


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def scan_document(document_id: int) -> int:
    """Scan one contract document version (idempotent: the same text is scanned once)."""
    document = ContractDocument.objects.filter(pk=document_id).first()
    if document is None:  # deleted before the worker got to it
        return 0
    return document_scan(document=document).finding_count


@shared_task(acks_late=True)
def scan_new_documents() -> int:
    """Periodic sweep: enqueue a scan for every document version not scanned yet (a new upload, or one
    whose enqueue was lost). Returns how many were enqueued."""
    ids = list(documents_to_scan().values_list("pk", flat=True)[:500])
    for pk in ids:
        scan_document.delay(pk)
    return len(ids)


@shared_task(acks_late=True, soft_time_limit=1500, time_limit=1800)
def regrade_findings() -> int:
    """Grade every stored finding again under the policy in force (after a settings change made outside
    the policy page). Idempotent; returns how many findings changed severity."""
    return findings_regrade().changed
