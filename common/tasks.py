from celery import shared_task


@shared_task(ignore_result=True)
def jobs_sweep() -> int:
    """Periodic: queue again every job (of every registered kind) whose worker fell silent, or whose message was
    lost while it waited."""
    from django.conf import settings

    from common.jobs import jobs_sweep  # imported here: task modules stay cycle-free

    swept = jobs_sweep(older_than=settings.STUCK_JOB_AFTER, silent_for=settings.JOB_SILENT_AFTER)
    return sum(len(keys) for keys in swept.values())
