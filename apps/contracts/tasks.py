"""Scheduled jobs of the contracts app (ids in, one service call, nothing else)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services import notice_digest_send


@shared_task(acks_late=True)
def send_notice_digest() -> int:
    """Daily: e-mail lawyers and admins the notice deadlines of the next days (once per day)."""
    digest = notice_digest_send(on=timezone.localdate())
    return digest.contract_count if digest else 0
