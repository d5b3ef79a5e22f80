"""The ``rolegraph`` command: the one place that wires the loader, the store and the server together.

Every command calls a library function and formats its result; errors of ``rolegraph.core.errors`` map
to the exit codes of ``EXIT_CODES`` (documented in the README).
"""
from __future__ import annotations

import json
import sys
from functools import wraps

import click

from . import __version__
from .core.errors import EXIT_CODES, InputError, RolegraphError, UsageError, ValidationFailed
from .core.formats import DOWNLOADS
from .core.settings import BY_NAME, defaults
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
    """Map rolegraph errors to their exit codes instead of tracebacks."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RolegraphError as error:
            _fail(error)
    return wrapper


def _option(name: str, *flags: str, **extra):
    setting = BY_NAME[name]
    return click.option(*flags, name, envvar=setting.env, default=setting.default, show_default=True,
                        help=f"{setting.help} [env {setting.env}]", **extra)


EPILOG = "Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items())


@click.group(epilog=EPILOG)
@click.version_option(__version__, prog_name="rolegraph")
@_option("store", "--store", type=click.Path(file_okay=False))
@_option("base_iri", "--base-iri")
@click.pass_context
def main(ctx: click.Context, store: str, base_iri: str) -> None:
    """rolegraph: a knowledge graph of job roles, skills, tools and trainings."""
    ctx.obj = {**defaults(), "store": store, "base_iri": base_iri}


# ---------------------------------------------------------------- loader commands

_vocabulary = click.option(
    "--vocabulary", "vocabularies", multiple=True, type=click.Choice(["esco", "rome"]),
    help="Also recognise the ICT occupations, appellations and languages of a taxonomy imported in the store.")


def _lexicon(obj, vocabularies):
    from rolegraph.loader.lexicon import load_lexicon
    from rolegraph.loader.vocabulary import extended_lexicon

    lexicon = load_lexicon()
    return extended_lexicon(obj["store"], obj["base_iri"], lexicon, vocabularies) if vocabularies else lexicon

def _link_options(command):
    """The options that decide which links are published: ``--min-link-confidence`` and ``--mappings``."""
    command = _option("mappings", "--mappings", type=click.Path(dir_okay=False))(command)
    return _option("min_link_confidence", "--min-link-confidence", type=click.FloatRange(0, 1))(command)


def _options_of(min_link_confidence, mappings, store=None):
    """The link options of a command; the taxonomies' tables are cached in the store's ``cache/`` folder."""
    import os

    from rolegraph.loader.link import LinkOptions

    return LinkOptions(min_link_confidence, mappings or None, os.path.join(store, "cache") if store else None)


@main.command()
@click.argument("docs", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the build summary as JSON.")
@_vocabulary
@_option("max_document_bytes", "--max-document-bytes", type=click.IntRange(1))
@_link_options
@click.pass_obj
@handled
def build(obj, docs, as_json, vocabularies, max_document_bytes, min_link_confidence, mappings):
    """Build the graph from DOCS (files or folders) and publish it to the store.

    The build replaces the previous one atomically; if it fails, the published graph is unchanged.
    Files that cannot be read are listed ("skipped: REASON (file=PATH)") and the others built; when
    none can be read, nothing is published (exit 2). Another writer at work on the store: exit 3.
    """
    from rolegraph.loader.build import build as run_build
    from rolegraph.loader.documents import expand_paths

    files = list(expand_paths(docs))
    with click.progressbar(length=len(files), label="reading", file=sys.stderr,
                           show_pos=True) as bar:
        try:
            result = run_build(files, obj["store"], obj["base_iri"], progress=lambda _path: bar.update(1),
                               vocabularies=vocabularies, max_document_bytes=max_document_bytes,
                               link_options=_options_of(min_link_confidence, mappings, obj["store"]))
        except ValidationFailed as error:
            summary = getattr(error, "result", None)
            if summary and as_json:
                click.echo(json.dumps(summary.summary(), indent=2))
            raise
    summary = result.summary()
    for failure in result.failures:
        click.echo(f"skipped: {failure}", err=True)
    for finding in result.report.warnings[:20]:
        click.echo(f"  {finding}", err=True)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        entities = ", ".join(f"{n} {name}" for name, n in summary["entities"].items() if n)
        click.echo(f"documents: {summary['documents_read']} read, {summary['documents_failed']} failed\n"
                   f"entities: {entities}\nfacts: {summary['facts']}  triples: {summary['triples']}\n"
                   f"violations: {summary['violations']}  warnings: {summary['warnings']}\n"
                   f"published generation {summary['generation']} to {obj['store']} in {summary['seconds']} s")
        if result.links is not None and result.links.links:
            _report_links(result.links)


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
@_vocabulary
@click.pass_obj
@handled
def evaluate(obj, gold, docs, as_json, errors, per_doc, only, vocabularies):
    """Score extraction of DOCS against gold annotations: precision, recall, F1 per category and per
    language (the gold's "lang")."""
    from rolegraph.loader.build import read_all
    from rolegraph.loader.evaluate import evaluate as run_evaluate
    from rolegraph.loader.extract import extract as run_extract

    documents, failures = read_all(docs)
    for failure in failures:
        click.echo(f"skipped: {failure}", err=True)
    lexicon = _lexicon(obj, vocabularies)
    result = run_evaluate([run_extract(d, lexicon).to_json() for d in documents], gold)
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

    graph = Graph()
    if files:
        for path in files:
            try:
                graph.parse(path)
            except Exception as exc:  # rdflib raises many parser-specific types
                raise InputError(f"cannot parse RDF: {exc}", file=path) from exc
    else:
        import pyoxigraph as ox

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
@handled
def check(reasoner):
    """Check the ontology: the SPARQL quality checks, then HermiT consistency and classification."""
    from rolegraph.loader.quality import reason, run_checks

    failures = run_checks()
    for failure in failures:
        click.echo(f"failed: {failure}")
    if reasoner:
        result = reason()
        click.echo(f"HermiT: {'consistent' if result.consistent else 'INCONSISTENT'}, "
                   f"{len(result.unsatisfiable)} unsatisfiable class(es)")
        if not result.consistent or result.unsatisfiable:
            sys.exit(1)
    if failures:
        sys.exit(1)
    click.echo("ontology checks passed")


# ---------------------------------------------------------------- store commands

@main.group(name="import")
def import_():
    """Import data into the store, each source into its own named graph."""


@import_.command(name="rdf")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--graph", "graph_iri_", help="Named graph for triples (default: one graph per file under the base IRI).")
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
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--production", is_flag=True,
              help="Serve with granian, a production HTTP server, instead of Flask's development server.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1),
              help="Request threads of the production server (requests in flight at once).")
@_option("query_workers", "--workers", type=click.IntRange(1))
@_option("query_timeout", "--timeout", type=click.FloatRange(min=0, min_open=True))
@click.pass_obj
@handled
def serve(obj, host, port, production, threads, query_workers, query_timeout):
    """Serve the store over HTTP: SPARQL at /sparql, named queries at /api/queries, health at /healthz.

    Queries run in --workers processes, each stopped after --timeout seconds. Without
    --production this is Flask's development server.
    """
    from .core.store import open_store

    open_store(obj).open()  # fail now, clearly, if nothing was built
    settings = {**obj, "query_workers": query_workers, "query_timeout": query_timeout}
    click.echo(f"serving {obj['store']} on http://{host}:{port}/sparql "
               f"({query_workers} query workers, {query_timeout:g} s limit)", err=True)
    if not production:
        from rolegraph.server import create_app

        create_app(settings).run(host=host, port=port, threaded=True)
        return
    from rolegraph.server.production import serve as serve_production

    serve_production(settings, host, port, threads)


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the named query.")
@click.option("--sparql", "text", help="Run this SPARQL text instead of a named query.")
@click.option("--endpoint", help="Run against a remote SPARQL endpoint (through SPARQLWrapper) instead of the store.")
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
@click.option("--graph", "graph_", help="Export only this named graph.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default: standard output).")
@click.pass_obj
@handled
def export(obj, fmt, graph_, output):
    """Export the published dataset (or one graph) in an RDF format."""
    from .core.export import export as run

    target = open(output, "wb") if output else sys.stdout.buffer
    try:
        run(obj["store"], fmt, graph_, target)
    finally:
        if output:
            target.close()


if __name__ == "__main__":  # pragma: no cover
    main()
