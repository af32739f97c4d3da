from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def export_render(export_id: int) -> bool:
    from exports.services import export_render  # imported here: task modules stay cycle-free

    return export_render(export_id=export_id)
