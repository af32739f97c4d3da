from celery import shared_task

from common.jobs import JobKind


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def document_extract(document_id: int) -> int:
    from extraction.services import document_extract  # imported here: task modules stay cycle-free

    return document_extract(document_id=document_id)


# Finding a record's events: its state is a DocumentExtraction row of its own, made when it is first queued; a job
# that never ran again since counts from the moment its record was read.
EVENT_FINDING = JobKind(
    name="extraction.event_finding",
    model="extraction.DocumentExtraction",
    task=document_extract,
    key="document_id",
    own_row=True,
    queued_at="document__processed_at",
)
