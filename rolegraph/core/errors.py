"""The one error hierarchy of rolegraph; the CLI maps it to exit codes and the server to HTTP."""
from __future__ import annotations

from typing import ClassVar


class RolegraphError(Exception):
    """Base of every error rolegraph raises on purpose; ``code`` names it in JSON error bodies."""

    code = "error"
    exit_code = 2
    http_status = 500
    #: Extra HTTP response headers (e.g. ``Retry-After``) the server sends with this error.
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict:
        """The JSON shape of this error: ``{"error": {"code", "message", "details"}}``."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.details.items() if k in ("file", "line", "position"))
        return f"{self.message} ({where})" if where else self.message


class UsageError(RolegraphError):
    """The caller asked for something that cannot be done as asked (bad option, unknown name)."""

    code = "usage"
    exit_code = 2
    http_status = 400


class SettingError(UsageError):
    """A setting (from the environment, or the option that sets it) has a value of the wrong form;
    ``setting`` and ``env`` name it, ``expected`` says the form it takes."""

    code = "setting"


class InputError(RolegraphError):
    """An input file cannot be read or understood; ``file`` (and ``line`` when known) say where."""

    code = "input"
    exit_code = 2
    http_status = 400


#: Why a path that exists cannot be read as a file: a read of a FIFO would block for ever.
NOT_REGULAR = "not a regular file (a device, FIFO or socket)"


def require_regular(path, label: str | None = None) -> None:
    """Raise ``InputError`` when ``path`` exists and is not a regular file (checked before any read)."""
    from pathlib import Path

    path = Path(path)
    if path.exists() and not path.is_file():
        raise InputError(f"{path.name} is {NOT_REGULAR}", file=label or str(path))


class ValidationFailed(RolegraphError):
    """SHACL violations: the graph was not published. ``report`` holds the findings."""

    code = "validation"
    exit_code = 1
    http_status = 422

    def __init__(self, message: str, report: object = None, **details: object) -> None:
        super().__init__(message, **details)
        self.report = report


class StoreError(RolegraphError):
    """The store is missing, locked by another writer, or unreadable."""

    code = "store"
    exit_code = 3
    http_status = 503


class StoreLocked(StoreError):
    """Another process is writing the store; nothing was changed."""

    code = "store-locked"


class QueryError(RolegraphError):
    """A SPARQL query or a named query's parameters are wrong; ``position`` says where when known."""

    code = "query"
    exit_code = 4
    http_status = 400


class QueryTimeout(QueryError):
    """A query ran longer than ``query_timeout`` and was stopped; ``seconds`` is the limit."""

    code = "query-timeout"
    http_status = 503


class QueryRefused(QueryError):
    """A query or update asks for an operation this server does not perform (SERVICE, LOAD)."""

    code = "query-refused"
    http_status = 403


class Busy(RolegraphError):
    """Every query worker stayed busy while the request waited; the client may retry later."""

    code = "busy"
    http_status = 503
    headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


class WorkerCrashed(RolegraphError):
    """The process evaluating a query died (it was replaced); the query was not answered."""

    code = "worker-crashed"
    http_status = 500


class Unauthorized(RolegraphError):
    """A request needs credentials it did not bring (or brought wrong ones)."""

    code = "unauthorized"
    http_status = 401
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="rolegraph"'}


class Forbidden(RolegraphError):
    """The server does not perform this operation with its current settings."""

    code = "forbidden"
    http_status = 403


class NotFound(RolegraphError):
    """The named thing (query, resource, graph) does not exist."""

    code = "not-found"
    exit_code = 2
    http_status = 404


#: Exit codes of the CLI, documented in the README (a test keeps them in step).
EXIT_CODES = {
    0: "success",
    1: "validation failed: SHACL violations (nothing published), or problems found by `check`",
    2: "usage or input error (bad option or setting, unreadable or unsupported file, unknown name)",
    3: "store error: missing, locked by another writer, or unreadable",
    4: "query error: SPARQL syntax or parameter error",
}
