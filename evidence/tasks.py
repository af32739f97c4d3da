from celery import shared_task

from common.jobs import JobKind


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def document_read_text(document_id: int) -> int:
    from evidence.services import document_read_text  # imported here: task modules stay cycle-free

    return document_read_text(document_id=document_id)


# Reading a record: its state is on the Document row (statuses as the record page shows them).
RECORD_READING = JobKind(
    name="evidence.record_reading",
    model="evidence.Document",
    task=document_read_text,
    running="processing",
    done="ready",
    started_at="processing_started_at",
    finished_at="processed_at",
    queued_at="uploaded_at",
)
