from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def document_extract(document_id: int) -> int:
    from extraction.services import document_extract  # imported here: task modules stay cycle-free

    return document_extract(document_id=document_id)


@shared_task(ignore_result=True)
def sweep_stuck_extractions() -> int:
    """Periodic: re-queue event finding stuck longer than a job's time limit."""
    from django.conf import settings

    from extraction.services import extractions_requeue_stuck

    return len(extractions_requeue_stuck(older_than=settings.STUCK_JOB_AFTER))
