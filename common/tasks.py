from celery import shared_task


@shared_task(ignore_result=True)
def jobs_sweep() -> int:
    """Periodic: queue again every job (of every registered kind) stuck longer than a job's time limit."""
    from django.conf import settings

    from common.jobs import jobs_sweep  # imported here: task modules stay cycle-free

    return sum(len(keys) for keys in jobs_sweep(older_than=settings.STUCK_JOB_AFTER).values())
