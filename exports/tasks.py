from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def export_render(export_id: int) -> bool:
    from exports.services import export_render  # imported here: task modules stay cycle-free

    return export_render(export_id=export_id)


@shared_task(ignore_result=True)
def sweep_stuck_exports() -> int:
    """Periodic: re-queue exports stuck longer than a job's time limit."""
    from django.conf import settings

    from exports.services import exports_requeue_stuck

    return len(exports_requeue_stuck(older_than=settings.STUCK_JOB_AFTER))
