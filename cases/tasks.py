from celery import shared_task


@shared_task(ignore_result=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def cases_destroy_due() -> int:
    """Periodic: destroy the archived cases whose retention date is over. Safe to run twice: a destroyed case is
    gone, and one half destroyed is finished by the next run."""
    from cases.services import cases_destroy_due  # imported here: task modules stay cycle-free

    return len(cases_destroy_due())
