from celery import shared_task

from common.jobs import JobKind


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def export_render(export_id: int) -> bool:
    from exports.services import export_render  # imported here: task modules stay cycle-free

    return export_render(export_id=export_id)


# Producing an export's files: its state is on the Export row.
EXPORT_RENDERING = JobKind(name="exports.export_rendering", model="exports.Export", task=export_render)
