"""Who may do what: no server-side request to a URL a client names, updates only with the token
(compared in constant time, never logged), no file reached through a path, security headers."""
import hmac
import http.server
import socket
import threading
import urllib.parse

import pytest
from conftest import BASE, served

from rolegraph import queries
from rolegraph.server import create_app

BACKEND = BASE + "role/back-end-developer"
TOKEN = "tok-7Hq2-never-in-a-log"
NEW_DOCUMENT = "INSERT DATA { <https://example.org/new-doc> a <https://w3id.org/rolegraph/ontology#SourceDocument> }"


# ---------------------------------------------------------------- server-side requests

@pytest.fixture()
def listener():
    """An HTTP server on 127.0.0.1 that records every request it gets (and answers Turtle)."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — the name http.server calls
            seen.append(self.path)
            body = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> ."
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def secured(tmp_path_factory, built_store):
    """A client on a writable copy of the store, updates enabled with ``TOKEN``."""
    import shutil

    store = tmp_path_factory.mktemp("secured") / "store"
    shutil.copytree(built_store, store, symlinks=True)
    app = create_app({"store": str(store), "base_iri": BASE, "testing": True, "update_token": TOKEN,
                      "query_workers": 1, "query_timeout": 5.0})
    yield app.test_client()
    app.extensions["rolegraph.executor"].close()


def test_service_and_load_fetch_nothing_and_are_refused(secured, listener):
    url, seen = listener
    service = secured.get("/sparql", query_string={"query": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"})
    silent = secured.post("/sparql", data=f"SELECT * WHERE {{ SERVICE SILENT <{url}/q> {{ ?s ?p ?o }} }}",
                          content_type="application/sparql-query")
    load = secured.post("/sparql", data=f"LOAD <{url}/data.ttl>", content_type="application/sparql-update",
                        headers={"Authorization": f"Bearer {TOKEN}"})
    for response in (service, silent, load):
        assert response.status_code == 403 and response.json["error"]["code"] == "query-refused"
    assert seen == []


def test_iris_in_a_query_are_names_never_fetched(secured, listener):
    url, seen = listener
    texts = [f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
             f"SELECT * FROM NAMED <{url}/named.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
             f"SELECT * WHERE {{ GRAPH <{url}/graph.ttl> {{ ?s ?p ?o }} }}",
             f"DESCRIBE <{url}/thing>",
             f"ASK {{ <{url}/s> ?p ?o }}"]
    for text in texts:
        response = secured.get("/sparql", query_string={"query": text}, headers={"Accept": "application/sparql-results+json, text/turtle"})
        assert response.status_code == 200, text
    for graph, text in (("default-graph-uri", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"),
                        ("named-graph-uri", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")):
        response = secured.get("/sparql", query_string={"query": text, graph: f"{url}/g.ttl"},
                               headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200 and response.json["results"]["bindings"] == []
    assert seen == []


def hidden_service(url: str) -> list[str]:
    """Values that would call ``url`` if a parameter were pasted into the query's code."""
    return [f'x" }} SERVICE <{url}/a> {{ ?s ?p ?o }} #', f"x' }} SERVICE <{url}/b> {{ ?s ?p ?o }} #",
            f'x"""}} SERVICE <{url}/c> {{ ?s ?p ?o }} #', f"{url}/d> }} SERVICE <{url}/e> {{ ?s ?p ?o }} #",
            f'x" . }} }} SERVICE <{url}/f> {{ ?s ?p ?o }} {{ {{ BIND("', f"{url}/g"]


def test_service_hidden_in_any_named_query_parameter_is_a_value(secured, listener):
    url, seen = listener
    for query in queries.catalogue().values():
        if not query.parameters:
            continue
        examples = {p.name: p.example for p in query.parameters}
        for parameter in query.parameters:
            for value in hidden_service(url):
                response = secured.get(f"/api/queries/{query.name}", query_string={**examples, parameter.name: value})
                assert response.status_code in (200, 400), (query.name, value, response.data[:200])
                if response.status_code == 400:
                    assert response.json["error"]["details"]["parameter"] == parameter.name
    assert seen == []


# ---------------------------------------------------------------- the update token

def test_the_token_is_compared_in_constant_time(secured, monkeypatch):
    import rolegraph.server.sparql

    compared, original = [], hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(rolegraph.server.sparql.hmac, "compare_digest", spy)
    nearly = TOKEN[:-1] + ("x" if TOKEN[-1] != "x" else "y")
    for given in (nearly, "z" * len(TOKEN), TOKEN + "!"):
        refused = secured.post("/sparql", data="CLEAR GRAPH <https://example.org/nothing>",
                               content_type="application/sparql-update", headers={"Authorization": f"Bearer {given}"})
        assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"
    assert compared == [(g.encode(), TOKEN.encode()) for g in (nearly, "z" * len(TOKEN), TOKEN + "!")]


@pytest.mark.parametrize("where", ["query string", "form", "basic", "header without scheme"])
def test_the_token_anywhere_but_a_bearer_header_is_refused(secured, where):
    update = "CLEAR GRAPH <https://example.org/nothing>"
    if where == "query string":
        response = secured.post(f"/sparql?token={TOKEN}&access_token={TOKEN}", data=update,
                                content_type="application/sparql-update")
    elif where == "form":
        response = secured.post("/sparql", data={"update": update, "token": TOKEN, "access_token": TOKEN})
    else:
        header = f"Basic {TOKEN}" if where == "basic" else TOKEN
        response = secured.post("/sparql", data=update, content_type="application/sparql-update",
                                headers={"Authorization": header})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert TOKEN not in response.get_data(as_text=True)


def test_the_token_never_appears_in_the_servers_output(tmp_path, built_store):
    import urllib.error
    import urllib.request

    def send(url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with served(built_store, tmp_path, "--workers", "1", "--timeout", "5",
                env={"ROLEGRAPH_UPDATE_TOKEN": TOKEN}) as (base, log):
        update = {"Content-Type": "application/sparql-update"}
        statuses = [
            send(base + "/sparql", NEW_DOCUMENT.encode(), {**update, "Authorization": f"Bearer {TOKEN}"}),
            send(base + "/sparql", NEW_DOCUMENT.encode(), {**update, "Authorization": f"Bearer {TOKEN[:-1]}x"}),
            send(base + f"/sparql?token={TOKEN}", NEW_DOCUMENT.encode(), update),
            send(base + "/sparql", f'INSERT DATA {{ <a> <b> "{TOKEN}" '.encode(), {**update, "Authorization": f"Bearer {TOKEN}"}),
            send(base + "/sparql?" + urllib.parse.urlencode({"query": f'ASK {{ ?s ?p "{TOKEN}" }}', "token": TOKEN})),
            send(base + f"/id/role/astronaut?token={TOKEN}", headers={"Accept": "text/turtle"}),
            send(base + "/sparql", urllib.parse.urlencode({"update": NEW_DOCUMENT, "token": TOKEN}).encode(),
                 {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Bearer {TOKEN}"}),
        ]
    assert statuses == [200, 401, 401, 400, 200, 404, 200]  # the last one a form update
    output = log.read_text(errors="replace")
    assert "POST /sparql 200" in output and "POST /sparql 401" in output  # the requests were logged
    assert TOKEN not in output and TOKEN[:12] not in output


# ---------------------------------------------------------------- paths never name files

SECRET = "s3cr3t-file-content-4f1e"
TRAVERSALS = [
    "/id/../secret.txt", "/id/role/../../secret.txt", "/id/%2e%2e/%2e%2e/secret.txt", "/id/role/..%2f..%2fsecret.txt",
    "/id/role%2F..%2F..%2Fsecret.txt", "/id/role%252F..%252Fsecret.txt", "/id/..%5c..%5csecret.txt",
    "/id/role\\..\\..\\secret.txt", "/id//etc/passwd", "/id/%2Fetc%2Fpasswd", "/id/secret.txt%00.html",
    "/id/role/back-end-developer%00",
    "/export.ttl/../../secret.txt", "/export.%2e%2e%2fsecret.txt", "/export..%2F..%2Fsecret.txt",
    "/export.ttl%00", "/export.%2Fetc%2Fpasswd", "/export./etc/passwd",
    "/static/../secret.txt", "/static/%2e%2e/%2e%2e/secret.txt", "/static/..%2F..%2Fsecret.txt",
    "/static/%2Fetc%2Fpasswd", "/static//etc/passwd", "/static/..%5c..%5csecret.txt", "/static/rolegraph.css%00",
    "/static/%252e%252e/secret.txt", "/static/C:%5cwindows%5cwin.ini", "//etc/passwd", "/../../secret.txt",
    "/api/queries/..%2F..%2Fsecret", "/api/queries/%2e%2e", "/context.jsonld/../secret.txt",
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory, built_store):
    """A real server on a store with a secret file beside it, one in its parent folder and one
    in the folder the server runs from; yields (host, port)."""
    folder = tmp_path_factory.mktemp("planted")
    (folder / "secret.txt").write_text(SECRET)
    (folder.parent / "secret.txt").write_text(SECRET)
    with served(built_store, folder, "--workers", "1", "--timeout", "5") as (base, _):
        (folder / "store" / "secret.txt").write_text(SECRET)
        yield urllib.parse.urlparse(base).netloc.split(":")


def raw_get(host: str, port: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client normalises ``..`` or quotes anything)."""
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/turtle\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_is_404_never_a_file(planted, path):
    status, answer = raw_get(*planted, path)
    assert status in (400, 404), answer[:300]
    assert SECRET.encode() not in answer and b"root:" not in answer and b"[fonts]" not in answer


def test_an_encoded_slash_never_names_another_resource(planted):
    """granian decodes ``%2F`` before the app sees the path and gives no raw URI: there the encoded
    path names the same IRI as the plain one. Under a server that passes the raw URI it is 404."""
    status, answer = raw_get(*planted, "/id/role%2Fback-end-developer")
    plain_status, plain = raw_get(*planted, "/id/role/back-end-developer")
    assert plain_status == 200 and status in (404, 200)
    if status == 200:
        assert answer.split(b"\r\n\r\n", 1)[1] == plain.split(b"\r\n\r\n", 1)[1]


def test_the_same_server_serves_the_real_paths(planted):
    assert raw_get(*planted, "/id/role/back-end-developer")[0] == 200
    assert raw_get(*planted, "/static/rolegraph.css")[0] == 200


# ---------------------------------------------------------------- headers on every answer

@pytest.mark.parametrize("path,accept", [
    ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"), ("/sparql", "text/turtle"),
    ("/api/queries", "application/json"), ("/id/role/back-end-developer", "text/turtle"),
    ("/id/role/back-end-developer", "application/ld+json"), ("/export.nt", "*/*"), ("/context.jsonld", "*/*"),
    ("/id/role/astronaut", "text/turtle"), ("/no/such/page", "*/*"), ("/sparql?query=SELEC", "*/*"),
    ("/static/query.js", "*/*"),
])
def test_machine_answers_and_errors_are_never_sniffed(client, path, accept):
    response = client.get(path, headers={"Accept": accept})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype != "text/html"


@pytest.mark.parametrize("path", ["/id//role/back-end-developer", "/static//rolegraph.css", "/id/role%2Fastronaut"])
def test_html_error_answers_carry_the_policy(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    if response.mimetype == "text/html":
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
