"""Start a server as a real process, wait until it answers, stop it: for the tests that need a real
server and for the benchmarks, which put this folder on ``sys.path``.

Only the standard library: the benchmarks run without pytest. ``start`` takes any command with its
own health URL (``rolegraph serve``, the Oxigraph server, rdflib-endpoint …).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
#: Seconds between two health requests; waiting on the process meanwhile notices it exiting at once.
POLL = 0.1


class ServerFailed(RuntimeError):
    """The server exited, or did not answer its health URL in time; the message ends with its log."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that no one listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rolegraph_serve(store: str | os.PathLike, port: int, *options: str, production: bool = True) -> list[str]:
    """The command line of ``rolegraph --store STORE serve [--production]`` on 127.0.0.1:``port``,
    ``options`` after ``serve``; run from the checkout, so that it serves this tree's code."""
    return [sys.executable, "-m", "rolegraph", "--store", str(store), "serve", *(["--production"] if production else []),
            "--host", HOST, "--port", str(port), *options]


@dataclass
class Server:
    """A server process started by ``start``; a context manager that stops it."""

    process: subprocess.Popen
    url: str  # base URL, without a trailing slash
    log: Path  # its standard output and error
    _own_log: bool = False

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def log_text(self, limit: int = 8000) -> str:
        """The end of the server's log."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-limit:]
        except OSError as exc:
            return f"(no log: {exc})"

    def stop(self, grace: float = 15) -> int:
        """SIGTERM, SIGKILL if it still runs after ``grace`` seconds; its exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._own_log:
            self.log.unlink(missing_ok=True)
        return self.process.returncode

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def start(command: list[str], url: str, *, health: str = "/healthz", log: Path | None = None,
          env: dict[str, str] | None = None, cwd: str | os.PathLike | None = ROOT, timeout: float = 30) -> Server:
    """Run ``command`` (a server listening at ``url``) and return once ``GET url + health`` answers 200.

    Its output is appended to ``log`` (a temporary file, removed by ``stop``, when ``None``); ``env``
    replaces the environment. Raises ``ServerFailed`` with the log's end if the process exits first or
    ``timeout`` seconds pass (the process is then stopped)."""
    own = log is None
    if own:
        handle, name = tempfile.mkstemp(prefix="rolegraph-server-", suffix=".log")
        os.close(handle)
        log = Path(name)
    with open(log, "ab") as output:  # the child keeps its own descriptor
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(process, url.rstrip("/"), Path(log), own)
    try:
        wait_healthy(server, health, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def wait_healthy(server: Server, health: str, timeout: float) -> None:
    """Poll ``GET server.url + health`` until it answers 200, within ``timeout`` seconds, while the process runs."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ServerFailed(f"{server.url}{health} did not answer 200 within {timeout:g} s; "
                               f"its log:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.url + health, timeout=max(0.5, min(5.0, remaining))) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError:
            pass  # listening, not ready yet (503 until the store opens)
        except OSError:
            pass  # not listening yet
        try:
            status = server.process.wait(timeout=min(POLL, max(0.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            continue
        raise ServerFailed(f"{' '.join(map(str, server.process.args))} exited with {status} before "
                           f"{server.url}{health} answered; its log:\n{server.log_text()}")
