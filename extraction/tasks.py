from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def document_extract(document_id: int) -> int:
    from extraction.services import document_extract  # imported here: task modules stay cycle-free

    return document_extract(document_id=document_id)
