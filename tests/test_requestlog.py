"""The request log written straight to a descriptor (what the production server does) has the layout the
production server's logging format gives its other lines, and is silent when its logger is."""
import logging
import os
import re
import time

from rolegraph.server.production import LOG_FORMAT
from rolegraph.server.requestlog import RequestLog


def _lines(log: RequestLog, calls) -> list[str]:
    read, write = os.pipe()
    try:
        log.direct(write)
        for args in calls:
            log(*args)
    finally:
        os.close(write)
    try:
        return os.read(read, 65536).decode("utf-8").splitlines()
    finally:
        os.close(read)


def _as_logging_writes(line: str) -> str:
    """What ``logging`` writes with LOG_FORMAT for the message of ``line``, at the time ``line`` shows."""
    stamp, name, message = line[:23], line[24:].split(" ", 1)[0], line[24:].split(" ", 1)[1]
    record = logging.LogRecord(name, logging.INFO, __file__, 1, message, None, None)
    record.created = time.mktime(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S")) + int(stamp[20:]) / 1000
    record.msecs = int(stamp[20:])
    return logging.Formatter(LOG_FORMAT).format(record)


def test_a_direct_line_is_laid_out_as_logging_lays_out_the_production_log():
    logger = logging.getLogger("rolegraph.server")
    logger.setLevel(logging.INFO)
    try:
        before = time.time()
        lines = _lines(RequestLog(logger), [("GET", "/sparql", "200 OK", time.perf_counter()),
                                            ("HEAD", "/id/é", "304 Not Modified", time.perf_counter(), " cached")])
    finally:
        logger.setLevel(logging.NOTSET)
    assert len(lines) == 2
    assert re.fullmatch(r"\S+ \S+ rolegraph\.server GET /sparql 200 \d+\.\dms", lines[0]), lines
    assert re.fullmatch(r"\S+ \S+ rolegraph\.server HEAD /id/é 304 \d+\.\dms cached", lines[1]), lines
    assert [_as_logging_writes(line) for line in lines] == lines
    shown = time.mktime(time.strptime(lines[0][:19], "%Y-%m-%d %H:%M:%S"))
    assert before - 1 <= shown <= time.time()


def test_nothing_is_written_while_the_logger_is_off_for_info():
    logger = logging.getLogger("rolegraph.server.quiet-test")
    logger.setLevel(logging.WARNING)
    assert _lines(RequestLog(logger), [("GET", "/sparql", "200 OK", time.perf_counter())]) == []
