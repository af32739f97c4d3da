from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of one worker process (main process, by Celery hostname): /healthz reads the newest."""

    hostname = models.CharField(max_length=255, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} (seen {self.seen_at:%Y-%m-%d %H:%M:%S})"
