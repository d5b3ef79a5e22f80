"""The request log: one line per request, ``METHOD PATH STATUS TIMEms`` (``cached`` after a replayed answer),
never the query string, on the ``rolegraph.server`` logger.

Through ``logging`` a line costs ~50 µs (the record, the handler's lock, the formatter, a flush), twice
what replaying a cached answer costs (cProfile of a hit: the log was two thirds of it). The production
server, which configures logging itself (``production.LOG_FORMAT`` on standard error), has the lines
written straight to that descriptor instead (``direct``): formatted as its formatter would, in one
``write`` of less than ``PIPE_BUF`` bytes, which lines of other threads and processes cannot split.
"""
from __future__ import annotations

import logging
import os
import time


class RequestLog:
    """Writes the request log on ``logger``, or straight to a descriptor once ``direct`` was called."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self._fd: int | None = None
        self._clock = (None, "")  # (second, its "%Y-%m-%d %H:%M:%S"): read and replaced as one

    def direct(self, fd: int) -> None:
        """Write each line to ``fd`` as ``production.LOG_FORMAT`` lays it out (``asctime name message``),
        while ``logger`` is enabled for INFO."""
        self._fd = fd

    def __call__(self, method: str, path: str, status: str, started: float, note: str = "") -> None:
        """Log a request that began at ``started`` (``time.perf_counter()``) and was answered ``status``."""
        ms = (time.perf_counter() - started) * 1000
        if self._fd is None:
            self.logger.info("%s %s %s %.1fms%s", method, path, status[:3], ms, note)
            return
        if not self.logger.isEnabledFor(logging.INFO):
            return
        now = time.time()
        second, stamp = self._clock
        if second != int(now):
            second = int(now)
            stamp = time.strftime(logging.Formatter.default_time_format, time.localtime(second))
            self._clock = (second, stamp)
        line = f"{stamp},{int((now - second) * 1000):03d} {self.logger.name} {method} {path} {status[:3]} {ms:.1f}ms{note}\n"
        try:
            os.write(self._fd, line.encode("utf-8", "backslashreplace"))
        except OSError:
            pass  # a closed or full standard error must not fail the request, as logging's handler would not
