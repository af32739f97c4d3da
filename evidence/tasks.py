from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def document_read_text(document_id: int) -> int:
    from evidence.services import document_read_text  # imported here: task modules stay cycle-free

    return document_read_text(document_id=document_id)


@shared_task(ignore_result=True)
def sweep_stuck_records() -> int:
    """Periodic: re-queue records stuck longer than a job's time limit."""
    from django.conf import settings

    from evidence.services import documents_requeue_stuck

    return len(documents_requeue_stuck(older_than=settings.STUCK_JOB_AFTER))
