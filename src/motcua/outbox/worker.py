"""The outbox worker loop (``motcua outbox_worker``): claim a batch, deliver
it, repeat; sleep a little when nothing is due. SIGTERM/SIGINT finish the
row in hand and stop. Several workers (processes, machines) may run at
once: see :func:`motcua.outbox.services.claim_batch`."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from django.conf import settings
from django.db import close_old_connections

from motcua.outbox import services

logger = logging.getLogger(__name__)


def run(
    *,
    interval: float | None = None,
    batch: int | None = None,
    once: bool = False,
    stop: threading.Event | None = None,
    handle_signals: bool = True,
) -> int:
    stop = stop or threading.Event()
    if handle_signals:

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    pause = float(interval if interval is not None else settings.MOTCUA_OUTBOX_IDLE_SECONDS)
    size = int(batch or settings.MOTCUA_OUTBOX_BATCH)
    token = services.worker_token()
    total = 0
    while not stop.is_set():
        close_old_connections()
        rows = services.claim_batch(token=token, limit=size)
        for row in rows:
            services.message_deliver(message=row, token=token)
            total += 1
            if stop.is_set():
                break
        if not rows:
            if once:
                break
            stop.wait(pause)
    logger.info("outbox worker %s stopped after %s tries", token, total)
    return total
