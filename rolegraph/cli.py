"""The ``rolegraph`` command: the one place that wires the loader, the store and the server together.

Every command calls a library function and formats its result; errors of ``rolegraph.core.errors`` map
to the exit codes of ``EXIT_CODES`` (documented in the README).
"""
from __future__ import annotations

import json
import os
import sys
from functools import wraps

import click

from . import __version__
from click.core import ParameterSource

from .core.errors import EXIT_CODES, InputError, RolegraphError, SettingError, UsageError, ValidationFailed
from .core.formats import DOWNLOADS
from .core.settings import BY_NAME, IRI, Setting, defaults
from .querying import RENDERINGS, render, run_local, run_remote


def _fail(error: RolegraphError) -> None:
    for failure in error.details.get("failures", []):  # the files a build could not read, each named
        click.echo(f"skipped: {failure}", err=True)
    click.echo(f"error: {error}", err=True)
    report = getattr(error, "report", None)
    if report is not None:
        for finding in report.violations[:50]:
            click.echo(f"  {finding}", err=True)
        if len(report.violations) > 50:
            click.echo(f"  … and {len(report.violations) - 50} more", err=True)
    sys.exit(error.exit_code)


def handled(command):
    """Map rolegraph errors to their exit codes instead of tracebacks. The settings of the environment
    are read here, when a command runs, so that ``--help`` works whatever the environment holds."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            _settings(click.get_current_context())
            return command(*args, **kwargs)
        except RolegraphError as error:
            _fail(error)
    return wrapper


def _settings(ctx: click.Context) -> dict:
    """The settings of this run, completed in place in the root context's object: the global options
    (``--store``, ``--base-iri``), then every other setting from the environment; ``SettingError`` names
    a value of the wrong form and where it came from."""
    root = ctx.find_root()
    obj = root.obj
    if BY_NAME.keys() - obj.keys():
        given = {}
        for name, raw in obj.items():
            source = root.get_parameter_source(name)
            if isinstance(raw, str) and source is not ParameterSource.DEFAULT:
                flag = None if source is ParameterSource.ENVIRONMENT else "--" + name.replace("_", "-")
                given[name] = BY_NAME[name].parse(raw, flag)
        overridden = {BY_NAME[name].env for name in obj}
        obj.update({**defaults({k: v for k, v in os.environ.items() if k not in overridden}), **obj, **given})
    return obj


class SettingType(click.ParamType):
    """A click type that parses an option's value as its setting does, so that an option and its
    environment variable take the same form and a wrong value is named with where it came from."""

    def __init__(self, setting: Setting) -> None:
        self.setting = setting
        self.name = setting.form.word

    def convert(self, value, param, ctx):
        if not isinstance(value, str):  # a default, already a value
            return value
        try:
            return self.setting.parse(value)
        except SettingError as error:
            from_env = ctx is not None and param is not None and \
                ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT
            self.fail(error.message if from_env else f"{value!r} is not {self.setting.form.expects}", param, ctx)


class IriType(click.ParamType):
    """An absolute IRI (a named graph's name)."""

    name = "iri"

    def convert(self, value, param, ctx):
        try:
            return IRI.parse(value)
        except ValueError:
            self.fail(f"{value!r} is not {IRI.expects}", param, ctx)


class EndpointType(click.ParamType):
    """The http(s) URL of a SPARQL endpoint."""

    name = "url"

    def convert(self, value, param, ctx):
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
            self.fail(f"{value!r} is not the http or https URL of a SPARQL endpoint "
                      "(such as http://127.0.0.1:8080/sparql)", param, ctx)
        return value


def _option(name: str, *flags: str, **extra):
    setting = BY_NAME[name]
    extra.setdefault("type", SettingType(setting))
    return click.option(*flags, name, envvar=setting.env, default=setting.default, show_default=True,
                        help=f"{setting.help} [env {setting.env}]", **extra)


EPILOG = "Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items())


@click.group(epilog=EPILOG)
@click.version_option(__version__, prog_name="rolegraph")
@_option("store", "--store", type=str)  # parsed by _settings, so that --help works whatever they hold
@_option("base_iri", "--base-iri", type=str)
@click.pass_context
def main(ctx: click.Context, store: str, base_iri: str) -> None:
    """rolegraph: a knowledge graph of job roles, skills, tools and trainings."""
    ctx.obj = {"store": store, "base_iri": base_iri}  # the other settings: _settings, when a command runs


# ---------------------------------------------------------------- loader commands

_vocabulary = click.option(
    "--vocabulary", "vocabularies", multiple=True, type=click.Choice(["esco", "rome"]),
    help="Also recognise the ICT occupations, appellations and languages of a taxonomy imported in the store.")


def _lexicon(obj, vocabularies):
    from rolegraph.loader.lexicon import load_lexicon
    from rolegraph.loader.vocabulary import extended_lexicon

    lexicon = load_lexicon()
    return extended_lexicon(obj["store"], obj["base_iri"], lexicon, vocabularies) if vocabularies else lexicon

_summary_json = click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")


def _run_with_progress(run, docs, obj, as_json, **options):
    """Run ``build`` or ``add`` over the files of ``docs`` with a progress bar; print its summary."""
    from rolegraph.loader.documents import expand_paths

    files = list(expand_paths(docs))
    with click.progressbar(length=len(files), label="reading", file=sys.stderr, show_pos=True) as bar:
        _report_build(lambda: run(files, obj["store"], obj["base_iri"], progress=lambda _path: bar.update(1),
                                  **options), obj, as_json)


def _report_build(run, obj, as_json) -> None:
    """Run a build, add or remove and print what it did (JSON with ``as_json``)."""
    try:
        result = run()
    except ValidationFailed as error:
        summary = getattr(error, "result", None)
        if summary and as_json:
            click.echo(json.dumps(summary.summary(), indent=2))
        raise
    summary = result.summary()
    for failure in result.failures:
        click.echo(f"skipped: {failure}", err=True)
    for finding in (result.report.warnings[:20] if result.report else ()):
        click.echo(f"  {finding}", err=True)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    changes = [f"{len(names)} {what}" for what, names in (("added", result.added), ("replaced", result.replaced),
                                                          ("unchanged", result.unchanged), ("removed", result.removed))
               if names]
    if result.replaced_set:
        click.echo(f"documents: {summary['documents_read']} read, {summary['documents_failed']} failed; "
                   f"the document set was replaced by these {summary['documents']}")
    else:
        click.echo(f"documents: {', '.join(changes)}; {summary['documents']} in the store"
                   + (f", {summary['documents_failed']} failed" if summary['documents_failed'] else ""))
    if not result.changed:
        click.echo(f"nothing changed: generation {summary['generation']} stays published")
        return
    entities = ", ".join(f"{n} {name}" for name, n in summary["entities"].items() if n)
    click.echo(f"entities: {entities}\nfacts: {summary['facts']}  triples: {summary['triples']}\n"
               f"violations: {summary['violations']}  warnings: {summary['warnings']}\n"
               f"published generation {summary['generation']} to {obj['store']} in {summary['seconds']} s")
    if result.links is not None and result.links.links:
        _report_links(result.links)


def _link_options(command):
    """The options that decide which links are published: ``--min-link-confidence`` and ``--mappings``."""
    command = _option("mappings", "--mappings")(command)
    return _option("min_link_confidence", "--min-link-confidence")(command)


def _options_of(min_link_confidence, mappings, store=None):
    """The link options of a command; the taxonomies' tables are cached in the store's ``cache/`` folder."""
    from rolegraph.loader.link import LinkOptions

    return LinkOptions(min_link_confidence, mappings or None, os.path.join(store, "cache") if store else None)


def _reads_documents(command):
    """The arguments and options of a command that reads DOCS (build, add), and its error handling."""
    for decorate in reversed((main.command(), click.argument("docs", nargs=-1, required=True, type=click.Path()),
                              _summary_json, _vocabulary,
                              _option("max_document_bytes", "--max-document-bytes"), _link_options,
                              click.pass_obj, handled)):
        command = decorate(command)
    return command


@_reads_documents
def build(obj, docs, as_json, vocabularies, max_document_bytes, min_link_confidence, mappings):
    """Build the graph from DOCS (files or folders) and publish it to the store, REPLACING the
    document set: documents built before and not in DOCS leave the graph (`rolegraph add` keeps them).

    The build replaces the previous one atomically; if it fails, the published graph is unchanged.
    Files that cannot be read are listed ("skipped: REASON (file=PATH)") and the others built; when
    none can be read, nothing is published (exit 2). Another writer at work on the store: exit 3.
    """
    from rolegraph.loader.build import build as run_build

    _run_with_progress(run_build, docs, obj, as_json, vocabularies=vocabularies,
                       max_document_bytes=max_document_bytes,
                       link_options=_options_of(min_link_confidence, mappings, obj["store"]))


@_reads_documents
def add(obj, docs, as_json, vocabularies, max_document_bytes, min_link_confidence, mappings):
    """Add DOCS (files or folders) to the documents of the store, or update them, and publish the graph.

    A document is known by its checksum and its source path: the same content again changes nothing
    (nothing is published), a changed file replaces its earlier version. Files that cannot be read are
    listed and the others added; none readable: exit 2. Another writer at work: exit 3.
    """
    from rolegraph.loader.build import add as run_add

    _run_with_progress(run_add, docs, obj, as_json, vocabularies=vocabularies,
                       max_document_bytes=max_document_bytes,
                       link_options=_options_of(min_link_confidence, mappings, obj["store"]))


@main.command()
@click.argument("docs", nargs=-1, required=True)
@_summary_json
@click.pass_obj
@handled
def remove(obj, docs, as_json):
    """Remove documents, each named by its path, its file name or its document IRI, and publish the
    graph of the others. A name that matches no document (or several): exit 2, nothing published.
    What no document states any more answers 410 Gone at its IRI."""
    from rolegraph.loader.build import remove as run_remove

    options = _options_of(obj["min_link_confidence"], obj["mappings"], obj["store"])
    _report_build(lambda: run_remove(docs, obj["store"], obj["base_iri"], link_options=options), obj, as_json)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
@click.pass_obj
@handled
def documents(obj, as_json):
    """List the documents the published graph is built from: name, language, checksum, facts, when added."""
    from dataclasses import asdict

    from rolegraph.loader.build import documents as run

    entries = run(obj["store"])
    if as_json:
        click.echo(json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False))
        return
    click.echo(f"{'name':<36} {'lang':<4} {'checksum':<16} {'facts':>5}  added")
    for entry in entries:
        click.echo(f"{entry.name:<36} {entry.language:<4} {entry.checksum[:16]:<16} {entry.facts:>5}  {entry.added}")
    click.echo(f"{len(entries)} document(s)")


@main.command()
@click.pass_obj
@handled
def migrate(obj):
    """Bring a store written by an earlier rolegraph to this version's format, keeping its graphs."""
    from rolegraph.loader.migrate import migrate as run

    result = run(obj["store"], obj["base_iri"])
    click.echo(result.message)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document (JSON Lines), in the evaluation schema.")
@_vocabulary
@click.pass_obj
@handled
def extract(obj, files, as_json, vocabularies):
    """Print what each document states, without building a graph."""
    from rolegraph.loader.build import read_all
    from rolegraph.loader.extract import extract as run_extract

    documents, failures = read_all(files)
    lexicon = _lexicon(obj, vocabularies)
    for document in documents:
        found = run_extract(document, lexicon).to_json()
        if as_json:
            click.echo(json.dumps(found, ensure_ascii=False))
        else:
            click.echo(f"{document.name} ({document.language}): main role {found['main_role'] and found['main_role']['name']}")
            for key in ("related_roles", "skills", "tools", "diplomas", "trainings", "certifications"):
                click.echo(f"  {key}: " + ", ".join(item["name"] for item in found[key]))
            for salary in found["salaries"]:
                click.echo(f"  salary: {salary['min']}–{salary['max']} {salary['currency']}/{salary['period']} "
                           f"{salary['basis']} ({salary['level']})")
    for failure in failures:
        click.echo(f"skipped: {failure}", err=True)
    if failures and not documents:
        sys.exit(2)


@main.command()
@click.option("--gold", required=True, type=click.Path(exists=True, file_okay=False), help="Folder of gold JSON files.")
@click.argument("docs", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", is_flag=True, help="List every missed and extra item.")
@click.option("--per-doc", "per_doc", is_flag=True, help="Also print each document's language and micro scores.")
@click.option("--doc", "only", metavar="NAME", help="List the missed and extra items of this document only (its file name).")
@click.option("--names-only", "names_only", is_flag=True,
              help="Match on canonical names alone, without credit for a shared surface form.")
@_vocabulary
@click.pass_obj
@handled
def evaluate(obj, gold, docs, as_json, errors, per_doc, only, names_only, vocabularies):
    """Score extraction of DOCS against gold annotations: precision, recall, F1 per category and per
    language (the gold's "lang")."""
    from rolegraph.loader.build import read_all
    from rolegraph.loader.evaluate import evaluate as run_evaluate
    from rolegraph.loader.extract import extract as run_extract

    documents, failures = read_all(docs)
    for failure in failures:
        click.echo(f"skipped: {failure}", err=True)
    lexicon = _lexicon(obj, vocabularies)
    result = run_evaluate([run_extract(d, lexicon).to_json() for d in documents], gold, surfaces=not names_only)
    click.echo(json.dumps(result.to_json(), indent=2) if as_json else result.table())
    if per_doc and not as_json:
        click.echo(result.document_table())
    if only is not None and only not in {d.doc for d in result.per_document}:
        raise UsageError(f"--doc {only!r} is not one of the documents evaluated", parameter="doc")
    if errors or only is not None:
        for document in result.per_document:
            if only in (None, document.doc):
                for score in document.per_category.values():
                    for line in score.errors:
                        click.echo(line)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
@handled
def validate(obj, files):
    """Validate RDF FILES against the SHACL shapes (or, without files, the published build)."""
    from rdflib import Graph

    from rolegraph.core.naming import FICHES_GRAPH, graph_iri
    from rolegraph.loader.validate import validate as run_validate
    from rolegraph.core.vocabulary import node

    from .core.store import open_store

    import pyoxigraph as ox

    from rolegraph.loader.imports import read_rdf

    graph = Graph()
    if files:
        for path in files:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in read_rdf(path)[1]]
            graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    else:
        snapshot = open_store(obj).open()
        data = snapshot.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node(graph_iri(obj["base_iri"], FICHES_GRAPH)))
        graph.parse(data=data, format="nt")
    report = run_validate(graph)
    for finding in report.violations + report.warnings:
        click.echo(str(finding))
    click.echo(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)")
    if not report.conforms:
        sys.exit(1)


@main.command()
@click.option("--reasoner/--no-reasoner", default=True, help="Also run HermiT (needs Java).")
@click.option("--lexicon", "lexicon_dir", type=click.Path(exists=True, file_okay=False),
              help="Check the lexicon of this folder (default: the lexicon rolegraph reads, data/lexicon).")
@handled
def check(reasoner, lexicon_dir):
    """Check the lexicon (every file against its schema: each problem with its file and line) and the
    ontology (the SPARQL quality checks, then HermiT consistency and classification)."""
    from rolegraph.loader.lexicon import check_lexicon
    from rolegraph.loader.quality import reason, run_checks

    problems = check_lexicon(lexicon_dir)
    for problem in problems:
        click.echo(f"lexicon: {problem}")
    click.echo(f"lexicon: {len(problems)} problem(s)")
    failures = run_checks()
    for failure in failures:
        click.echo(f"failed: {failure}")
    if reasoner:
        result = reason()
        click.echo(f"HermiT: {'consistent' if result.consistent else 'INCONSISTENT'}, "
                   f"{len(result.unsatisfiable)} unsatisfiable class(es)")
        if not result.consistent or result.unsatisfiable:
            sys.exit(1)
    if failures or problems:
        sys.exit(1)
    click.echo("lexicon and ontology checks passed")


# ---------------------------------------------------------------- store commands

@main.group(name="import")
def import_():
    """Import data into the store, each source into its own named graph."""


@import_.command(name="rdf")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--graph", "graph_iri_", type=IriType(),
              help="Named graph for triples (default: one graph per file under the base IRI).")
@click.pass_obj
@handled
def import_rdf(obj, files, graph_iri_):
    """Load RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD); quads keep their graphs."""
    from rolegraph.loader.imports import import_rdf as run

    result = run(obj["store"], files, graph_iri_, obj["base_iri"])
    for graph, count in result.triples.items():
        click.echo(f"{graph}: {count} quads")
    click.echo(f"published generation {result.generation}")


def _report_import(result) -> None:
    for problem in result.problems[:50]:
        click.echo(f"skipped: {problem}", err=True)
    if len(result.problems) > 50:
        click.echo(f"skipped: … and {len(result.problems) - 50} more rows", err=True)
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items())
    state = f"published generation {result.generation}" if result.changed else "unchanged (same version already imported)"
    click.echo(f"{result.graph} ({result.version}): {counts}; {result.triples} triples; {state}")
    if result.then is not None:
        _report_links(result.then)


def _report_links(result) -> None:
    for problem in result.problems[:20]:
        click.echo(f"lexicon: {problem}", err=True)
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts().items()) or "none (no ESCO or ROME imported)"
    click.echo(f"{result.graph}: {len(result.links)} links; {counts}")


def _relinker(base_iri: str, options):
    """The step an import runs before publishing: links rebuilt against the new taxonomy."""
    from rolegraph.loader.lexicon import load_lexicon
    from rolegraph.loader.link import relink

    return lambda store: relink(store, base_iri, load_lexicon(), options)


@import_.command(name="esco")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@_link_options
@click.pass_obj
@handled
def import_esco(obj, folder, min_link_confidence, mappings):
    """Import an ESCO CSV export (v1.1.x or v1.2.x, any language) into its own named graph."""
    from rolegraph.loader.taxonomies.esco import import_esco as run

    options = _options_of(min_link_confidence, mappings, obj["store"])
    _report_import(run(obj["store"], folder, obj["base_iri"], then=_relinker(obj["base_iri"], options)))


@import_.command(name="rome")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@_link_options
@click.pass_obj
@handled
def import_rome(obj, folder, min_link_confidence, mappings):
    """Import the ROME 4.0 CSV export (France Travail) into its own named graph."""
    from rolegraph.loader.taxonomies.rome import import_rome as run

    options = _options_of(min_link_confidence, mappings, obj["store"])
    _report_import(run(obj["store"], folder, obj["base_iri"], then=_relinker(obj["base_iri"], options)))


@main.command()
@_link_options
@click.pass_obj
@handled
def link(obj, min_link_confidence, mappings):
    """Rebuild the links from our entities to the imported ESCO and ROME (build and import do it too):
    those from --min-link-confidence published in graph/links, the others kept in graph/link-candidates;
    the curated --mappings file wins over both."""
    from rolegraph.loader.link import link as run

    _report_links(run(obj["store"], obj["base_iri"], options=_options_of(min_link_confidence, mappings, obj["store"])))


@main.group()
def mappings():
    """Mappings to ESCO and ROME in SSSOM TSV, for curators."""


@mappings.command(name="export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: standard output).")
@click.pass_obj
@handled
def mappings_export(obj, output):
    """Write every link and candidate of the store as SSSOM TSV: subject, predicate, object, labels,
    confidence, justification; the comment says published, candidate or rejected, and the evidence."""
    from rolegraph.loader.mappings import export_mappings

    if output:
        count = export_mappings(obj["store"], obj["base_iri"], output)
        click.echo(f"{count} mappings written to {output}", err=True)
    else:
        export_mappings(obj["store"], obj["base_iri"], click.get_text_stream("stdout"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--production", is_flag=True,
              help="Serve with granian, a production HTTP server, instead of Flask's development server.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1),
              help="Request threads of the production server (requests in flight at once).")
@_option("query_workers", "--workers")
@_option("query_timeout", "--timeout")
@_option("evaluation", "--evaluation")
@_option("backend", "--backend")
@click.pass_obj
@handled
def serve(obj, host, port, production, threads, query_workers, query_timeout, evaluation, backend):
    """Serve the store over HTTP: SPARQL at /sparql, named queries at /api/queries, health at /healthz.

    Queries run in --workers processes, each stopped after --timeout seconds. Without
    --production this is Flask's development server.
    """
    from .core.store import open_store

    settings = {**obj, "query_workers": query_workers, "query_timeout": query_timeout, "evaluation": evaluation,
                "backend": backend}
    served = open_store(settings)
    served.open()  # fail now, clearly, if nothing was built (or pushed to the --backend store)
    _can_listen(host, port)
    prefork = production and settings["evaluation"] == "prefork" and not backend
    click.echo(f"serving {served.location} on http://{host}:{port}/sparql "
               f"({query_workers} {'prefork HTTP workers' if prefork else 'query workers'}, {query_timeout:g} s limit)",
               err=True)
    if not production:
        from rolegraph.server import create_app

        create_app(settings).run(host=host, port=port, threaded=True)
        return
    from rolegraph.server.production import serve as serve_production

    serve_production(settings, host, port, threads)


def _can_listen(host: str, port: int) -> None:
    """Raise ``UsageError`` naming the address when the server could not listen on it (an unknown host,
    a port in use or not ours to take), before a server starts and fails with a bare OS message."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"--host {host!r}: unknown host ({exc})", parameter="host") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", parameter="port") from exc


@main.command()
@click.option("--query-endpoint", "query_url", required=True, type=EndpointType(),
              help="The store's SPARQL query endpoint (Oxigraph server: /query; Virtuoso: /sparql).")
@click.option("--update-endpoint", "update_url", required=True, type=EndpointType(),
              help="The store's SPARQL update endpoint (Oxigraph server: /update; Virtuoso: /sparql-auth).")
@click.option("--graph-store", "graph_store", type=EndpointType(),
              help="The store's Graph Store Protocol endpoint (Oxigraph server: /store; Virtuoso: "
                   "/sparql-graph-crud-auth); without it graphs are sent as SPARQL Update batches.")
@click.option("--graph", "only", type=IriType(), help="Push only this named graph.")
@_option("push_user", "--user")
@_option("push_password", "--password")
@_option("push_token", "--token")
@_option("push_auth", "--auth")
@_option("push_timeout", "--timeout")
@_option("push_batch_bytes", "--batch-bytes")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
@handled
def push(obj, query_url, update_url, graph_store, only, push_user, push_password, push_token, push_auth,
         push_timeout, push_batch_bytes, as_json):
    """Publish the built dataset to an external SPARQL store, graph by graph, then its status graph.

    Unchanged graphs are not sent again; the store switches versions in one last update request.
    Exit 3 when the store cannot be reached, refuses the credentials or does not answer in time.
    """
    from .core.remote import Credentials, Endpoint
    from .loader.push import push as push_graphs

    credentials = Credentials(push_user, push_password, push_token, push_auth)
    endpoint = Endpoint(query_url, update_url, graph_store, credentials, push_timeout)

    def progress(graph, index, total):
        how = "staged by the push that stopped, reused" if graph.reused else f"{graph.seconds:.2f} s"
        click.echo(f"[{index}/{total}] {graph.graph}: {graph.triples} triples ({how})", err=True)

    result = push_graphs(obj, endpoint, obj["base_iri"], only, batch_bytes=push_batch_bytes, progress=progress)
    summary = {"version": result.version, "graphs": len(result.graphs), "sent": len(result.sent),
               "reused": sum(g.reused for g in result.graphs),
               "triples": result.triples, "seconds": round(result.seconds, 3),
               "triples_per_second": round(result.rate), "dropped": result.dropped,
               "mismatches": {g: {"local": l, "store": r} for g, (l, r) in result.mismatches.items()}}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        unchanged = len(result.graphs) - len(result.sent)
        click.echo(f"pushed version {result.version}: {len(result.sent)} graphs sent ({unchanged} unchanged), "
                   f"{result.triples} triples in {result.seconds:.2f} s ({result.rate:.0f} triples/s)"
                   + (f"; dropped {', '.join(result.dropped)}" if result.dropped else ""))
    if result.mismatches:
        from .core.errors import StoreError

        raise StoreError("after the push the store's triple counts differ from the local ones: " + "; ".join(
            f"{g}: {l} here, {r} there" for g, (l, r) in result.mismatches.items()))


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the named query.")
@click.option("--sparql", "text", help="Run this SPARQL text instead of a named query.")
@click.option("--endpoint", type=EndpointType(),
              help="Run against a remote SPARQL endpoint (through SPARQLWrapper) instead of the store.")
@click.option("--format", "fmt", type=click.Choice(list(RENDERINGS)), default="table", show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the named queries.")
@click.pass_obj
@handled
def query(obj, name, params, text, endpoint, fmt, list_):
    """Run a named query (or --sparql TEXT) on the store or on a remote endpoint."""
    from rolegraph import queries

    if list_:
        for q in queries.catalogue().values():
            args = " ".join(f"--param {p.name}=<{p.type}>" for p in q.parameters)
            click.echo(f"{q.name:<28} {q.title}  {args}")
        return
    if bool(name) == bool(text):
        raise UsageError("give either a query NAME or --sparql TEXT")
    values = {}
    for raw in params:
        key, sep, value = raw.partition("=")
        if not sep:
            raise UsageError(f"--param {raw!r} is not KEY=VALUE")
        values[key] = value
    if name:
        named = queries.get(name)
        bound = named.bind(values)
        table = run_remote(endpoint, bound) if endpoint else run_local(obj["store"], bound)
    else:
        table = run_remote(endpoint, text) if endpoint else run_local(obj["store"], text)
    click.echo(render(table, fmt))


@main.command()
@click.option("--format", "fmt", type=click.Choice([f.name for f in DOWNLOADS]), default="ttl", show_default=True)
@click.option("--graph", "graph_", type=IriType(), help="Export only this named graph.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default: standard output).")
@click.pass_obj
@handled
def export(obj, fmt, graph_, output):
    """Export the published dataset (or one graph) in an RDF format."""
    from .core.export import export as run

    try:
        target = open(output, "wb") if output else sys.stdout.buffer
    except OSError as exc:
        raise InputError(f"cannot write the export: {exc.strerror or exc}", file=output) from exc
    try:
        run(obj["store"], fmt, graph_, target)
    finally:
        if output:
            target.close()


if __name__ == "__main__":  # pragma: no cover
    main()
