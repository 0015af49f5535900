"""Celery jobs of the logbook. Thin: each calls one service; each has a twin management command."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from akimat.chain import raise_alarm
from journal import export, indicators, integrity


@shared_task(time_limit=600)
def compute_indicators() -> int:
    """Recompute the computed indicators for the weeks that have ended."""
    return indicators.compute_indicators(today=timezone.localdate())


@shared_task(time_limit=900, soft_time_limit=870)
def write_docx_export(export_id: int) -> None:
    """Write a logbook export to Word (started by a person; no twin command, no schedule)."""
    export.write_docx_export(export_id=export_id)


@shared_task(time_limit=600)
def forget_old_exports() -> int:
    """Nightly: delete everyone's finished Word exports older than a week, files and all."""
    return export.forget_old_exports()


@shared_task(time_limit=1800)
def verify_logbook() -> bool:
    """Nightly: walk the logbook's hash chains; a break is logged and mailed to the admins."""
    verdict = integrity.verify_logbook()
    if not verdict.ok:
        raise_alarm("The logbook's hash chain is broken", verdict.lines)
    return verdict.ok
