from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Helpers every app may use and that belong to none: partial dates, background-job state, hooks.

    It has no tables and imports none of our apps (layer 0 of README.md's architecture)."""

    name = "common"

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun

        task_prerun.connect(_heartbeat_start, weak=False, dispatch_uid="common.jobs.heartbeat_start")
        task_postrun.connect(_heartbeat_stop, weak=False, dispatch_uid="common.jobs.heartbeat_stop")


def _heartbeat_start(sender=None, task_id=None, task=None, args=(), **kwargs) -> None:
    from django.conf import settings

    from common.jobs import job_heartbeat_start

    job_heartbeat_start(task_id=task_id, task_name=task.name, args=tuple(args or ()),
                        every=settings.JOB_HEARTBEAT_SECONDS)


def _heartbeat_stop(sender=None, task_id=None, **kwargs) -> None:
    from common.jobs import job_heartbeat_stop

    job_heartbeat_stop(task_id=task_id)
