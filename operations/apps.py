from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: health check, workers' heartbeats, deployment checks, backup and restore."""

    name = "operations"

    def ready(self) -> None:
        from celery.signals import worker_ready, worker_shutdown

        from operations import checks  # noqa: F401  (registers the deployment checks)
        from operations.heartbeat import heartbeat_start, heartbeat_stop

        worker_ready.connect(heartbeat_start, weak=False, dispatch_uid="operations.heartbeat_start")
        worker_shutdown.connect(heartbeat_stop, weak=False, dispatch_uid="operations.heartbeat_stop")
