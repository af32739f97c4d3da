"""Workers say they are alive: a thread in each worker's main process writes a heartbeat row every
WORKER_HEARTBEAT_SECONDS. A thread, not a periodic task: a task would wait behind a long queue of records and make a
busy worker look dead, while this keeps beating whatever the pool's processes are reading."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

_beaters: dict[str, "HeartbeatThread"] = {}


class HeartbeatThread(threading.Thread):
    def __init__(self, hostname: str, interval: float) -> None:
        super().__init__(name=f"heartbeat-{hostname}", daemon=True)
        self.hostname = hostname
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        from operations.services import worker_heartbeat_record

        while True:
            try:
                worker_heartbeat_record(hostname=self.hostname)
            except Exception:  # a database that is down for a moment must not end the heartbeat for good
                logger.exception("operations.heartbeat_failed", extra={"hostname": self.hostname})
            finally:
                connection.close()  # this thread's own connection: not held open between beats
            if self.stopped.wait(self.interval):
                return


def heartbeat_start(sender=None, **kwargs) -> None:
    """Celery's worker_ready: start beating for this worker."""
    hostname = getattr(sender, "hostname", None) or str(sender)
    if hostname in _beaters:
        return
    beater = HeartbeatThread(hostname, settings.WORKER_HEARTBEAT_SECONDS)
    _beaters[hostname] = beater
    beater.start()


def heartbeat_stop(sender=None, **kwargs) -> None:
    """Celery's worker_shutdown: stop beating and take this worker off the list of those up."""
    from operations.services import worker_heartbeat_forget

    for hostname, beater in list(_beaters.items()):
        beater.stopped.set()
        beater.join(timeout=2)
        del _beaters[hostname]
        try:
            worker_heartbeat_forget(hostname=hostname)
        except Exception:
            logger.exception("operations.heartbeat_forget_failed", extra={"hostname": hostname})
