"""HTTP Basic and bearer authentication at a real store: nginx (Debian package nginx-light), configured
here in a temporary folder, in front of a real Oxigraph server, on free ports of 127.0.0.1. One port
asks for Basic (an htpasswd file written here), the other for one bearer token. ``rolegraph push``
and ``serve --backend`` get through with the right credentials; the wrong ones are one line, exit 3
for the CLI and a 503 answer for the server, and the secret is never repeated."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import BASE
from serving import HOST, free_port, rolegraph_serve, start
from test_remote import oxigraph
from rolegraph.cli import main
from rolegraph.server import create_app

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian package nginx-light; "
                                "`.ci/run` installs it): these tests put it in front of the Oxigraph server")
USER, PASSWORD, TOKEN = "publisher", "right-password-5150", "right-token-8t8"
WRONG_PASSWORD, WRONG_TOKEN = "wrong-password-3141", "wrong-token-2718"

CONFIG = """{user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    client_max_body_size 0;
    proxy_read_timeout 300s;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    server {{
        listen {host}:{basic};
        location = /ready {{ return 200 "ready"; }}
        location / {{
            auth_basic "rolegraph test store";
            auth_basic_user_file {d}/htpasswd;
            proxy_pass {store};
        }}
    }}
    server {{
        listen {host}:{bearer};
        location / {{
            if ($http_authorization != "Bearer {token}") {{ return 401; }}
            proxy_pass {store};
        }}
    }}
}}
"""


@dataclass
class Proxy:
    basic: str  # base URL of the port asking for Basic
    bearer: str  # base URL of the port asking for the bearer token


def _htpasswd(user: str, password: str) -> str:
    """A line of an htpasswd file in the salted SHA-1 scheme nginx reads (``{SSHA}``)."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode("utf-8") + salt).digest()
    return f"{user}:{{SSHA}}{base64.b64encode(digest + salt).decode('ascii')}\n"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp("nginx")
    with oxigraph(tmp_path_factory.mktemp("oxigraph")) as store:
        basic, bearer = free_port(), free_port()
        (folder / "htpasswd").write_text(_htpasswd(USER, PASSWORD), encoding="utf-8")
        (folder / "nginx.conf").write_text(CONFIG.format(
            d=folder, host=HOST, basic=basic, bearer=bearer, store=store.url, token=TOKEN,
            user="user root;\n" if os.geteuid() == 0 else ""), encoding="utf-8")
        command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log"),
                   "-g", "daemon off;"]
        with start(command, f"http://{HOST}:{basic}", health="/ready", cwd=folder):
            yield Proxy(f"http://{HOST}:{basic}", f"http://{HOST}:{bearer}")


def _push(runner, store, url: str, *credentials: str, graph_store: bool = True):
    return runner.invoke(main, ["--store", str(store), "--base-iri", BASE, "push", "--query-endpoint", f"{url}/query",
                                "--update-endpoint", f"{url}/update",
                                *(["--graph-store", f"{url}/store"] if graph_store else []), *credentials])


@pytest.fixture(scope="module")
def pushed(proxy, built_store):
    from click.testing import CliRunner

    result = _push(CliRunner(), built_store, proxy.basic, "--user", USER, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "pushed version" in result.output and "graphs sent (0 unchanged)" in result.output
    return proxy


def test_the_proxy_really_asks_for_credentials(proxy):
    for url in (proxy.basic, proxy.bearer):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=10)
        assert refused.value.code == 401


def _one_line_exit_3(result, secret: str) -> str:
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert secret not in result.output and "Traceback" not in result.output
    return lines[0]


def test_a_wrong_basic_password_is_one_line_exit_3(pushed, built_store, runner):
    line = _one_line_exit_3(_push(runner, built_store, pushed.basic, "--user", USER, "--password", WRONG_PASSWORD),
                            WRONG_PASSWORD)
    assert f"the store at {pushed.basic}/query refused the credentials" in line


def test_the_password_in_the_environment_is_never_shown(pushed, built_store, runner):
    result = runner.invoke(main, ["--store", str(built_store), "--base-iri", BASE, "push",
                                  "--query-endpoint", f"{pushed.basic}/query", "--update-endpoint", f"{pushed.basic}/update"],
                           env={"ROLEGRAPH_PUSH_USER": USER, "ROLEGRAPH_PUSH_PASSWORD": WRONG_PASSWORD})
    assert "refused the credentials" in _one_line_exit_3(result, WRONG_PASSWORD)


def test_a_bearer_token_pushes_and_a_wrong_one_is_exit_3(pushed, mixed_store, runner):
    line = _one_line_exit_3(_push(runner, mixed_store, pushed.bearer, "--token", WRONG_TOKEN), WRONG_TOKEN)
    assert "refused the credentials" in line
    result = _push(runner, mixed_store, pushed.bearer, "--token", TOKEN, graph_store=False)  # SPARQL Update
    assert result.exit_code == 0, result.output
    assert "pushed version" in result.output and TOKEN not in result.output
    again = _push(runner, mixed_store, pushed.bearer, "--token", TOKEN)
    assert again.exit_code == 0 and "0 graphs sent" in again.output, again.output


def _answers(app) -> dict:
    client = app.test_client()
    return {path: client.get(path, headers={"Accept": "application/json"})
            for path in ("/api/queries/counts", "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", "/export.nq", "/healthz")}


def test_serve_backend_through_the_proxy_with_credentials(pushed):
    for settings in ({"backend_user": USER, "backend_password": PASSWORD},
                     {"backend_token": TOKEN, "backend_auth": "bearer"}):
        url = pushed.basic if "backend_user" in settings else pushed.bearer
        app = create_app({"backend": f"{url}/query", "base_iri": BASE, "store": "/x", **settings})
        answers = _answers(app)
        assert all(a.status_code == 200 for a in answers.values()), {p: a.status_code for p, a in answers.items()}
        assert answers["/api/queries/counts"].get_json()["rows"]


@pytest.mark.parametrize("settings", [{"backend_user": USER, "backend_password": WRONG_PASSWORD},
                                      {"backend_token": WRONG_TOKEN}], ids=["basic", "bearer"])
def test_wrong_backend_credentials_are_a_clean_503(pushed, settings):
    url = pushed.basic if "backend_user" in settings else pushed.bearer
    app = create_app({"backend": f"{url}/query", "base_iri": BASE, "store": "/x", **settings})
    secret = settings.get("backend_password") or settings["backend_token"]
    for path, answer in _answers(app).items():
        assert answer.status_code == 503, (path, answer.status_code, answer.data[:300])
        assert secret.encode() not in answer.data and b"Traceback" not in answer.data
        if path != "/healthz":
            assert "refused the credentials" in answer.get_json()["error"]["message"], path


def test_rolegraph_serve_backend_is_a_real_server_through_the_proxy(pushed):
    port = free_port()
    env = {**os.environ, "ROLEGRAPH_BACKEND_USER": USER, "ROLEGRAPH_BACKEND_PASSWORD": PASSWORD,
           "ROLEGRAPH_BASE_IRI": BASE}
    with start(rolegraph_serve("/nonexistent", port, "--backend", f"{pushed.basic}/query"), f"http://{HOST}:{port}",
               env=env) as server:
        with urllib.request.urlopen(f"{server.url}/api/queries/counts", timeout=30) as response:
            rows = json.load(response)["rows"]
        assert rows and all(row["count"] > 0 for row in rows)
        assert PASSWORD not in server.log_text()


def test_rolegraph_serve_with_wrong_backend_credentials_exits_3(pushed):
    env = {**os.environ, "ROLEGRAPH_BACKEND_USER": USER, "ROLEGRAPH_BACKEND_PASSWORD": WRONG_PASSWORD}
    finished = subprocess.run(rolegraph_serve("/nonexistent", free_port(), "--backend", f"{pushed.basic}/query"),
                              capture_output=True, text=True, timeout=60, env=env)
    assert finished.returncode == 3, finished.stdout + finished.stderr
    assert "refused the credentials" in finished.stderr and WRONG_PASSWORD not in finished.stderr + finished.stdout
    assert "Traceback" not in finished.stderr
