"""No traceback anywhere: every command of the CLI, enumerated from the click group (a new command is
walked as soon as it exists), run with bad settings, bad options and bad files. Each must end with the
documented exit code and a message naming the setting, option or file (and line where there is one).

Commands run through click's runner with ``catch_exceptions=False`` (an exception fails the test with its
traceback); a sample runs as real subprocesses."""
import os
import subprocess
import sys

import click
import pytest

from conftest import FIXTURES, ROOT, SAMPLES
from rolegraph.cli import EndpointType, IriType, main
from rolegraph.core.settings import BY_NAME
from test_settings import BAD

VALID_TTL = FIXTURES / "shapes" / "valid" / "complete.ttl"


def leaves(group: click.Group, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], list[click.Command]]:
    """Every command that runs, by its words, with the chain of commands from the root to it."""
    found = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update({words: [group, *chain] for words, chain in leaves(command, (*path, name)).items()})
        else:
            found[(*path, name)] = [group, command]
    return found


COMMANDS = leaves(main)


@pytest.fixture()
def files(tmp_path_factory):
    """Good arguments of each command (they pass click's parsing), and a folder for bad files."""
    folder = tmp_path_factory.mktemp("walk")
    (folder / "gold").mkdir()
    return folder


def good_args(words: tuple[str, ...], folder) -> list[str]:
    """Arguments with which ``words`` parses (each command needs its row: a new one fails the walk until
    it has one)."""
    return {
        ("build",): [str(SAMPLES)],
        ("add",): [str(SAMPLES)],
        ("remove",): ["data-engineer.html"],
        ("documents",): [],
        ("migrate",): [],
        ("extract",): [str(SAMPLES / "data-engineer.html")],
        ("evaluate",): ["--gold", str(folder / "gold"), str(SAMPLES / "data-engineer.html")],
        ("validate",): [str(VALID_TTL)],
        ("check",): ["--no-reasoner"],
        ("import", "esco"): [str(FIXTURES / "esco" / "v1.2.0" / "en")],
        ("import", "rome"): [str(FIXTURES / "rome")],
        ("import", "rdf"): [str(VALID_TTL)],
        ("link",): [],
        ("serve",): [],
        ("push",): ["--query-endpoint", "http://127.0.0.1:9/query", "--update-endpoint", "http://127.0.0.1:9/update"],
        ("query",): ["counts"],
        ("export",): [],
        ("mappings", "export"): [],
    }[words]


def assert_clean(result, code: int, *named: str) -> None:
    """Exit ``code``, no traceback, and one line of the output naming every one of ``named``."""
    output = result.output
    assert "Traceback" not in output, output
    assert result.exit_code == code, (result.exit_code, output)
    assert any(all(n in line for n in named) for line in output.splitlines()), (named, output)


def test_every_command_is_walked():
    assert set(COMMANDS) >= {("build",), ("query",), ("import", "rdf"), ("check",)}
    for words in COMMANDS:
        good_args(words, ROOT)  # raises KeyError for a command without its row


# ---------------------------------------------------------------- bad settings

@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_setting_stops_every_command_with_exit_2(runner, files, monkeypatch, words, name):
    monkeypatch.chdir(files)  # should a command run anyway, its default store is in here
    setting = BY_NAME[name]
    result = runner.invoke(main, [*words, *good_args(words, files)], env={setting.env: BAD[name]},
                           catch_exceptions=False)
    assert_clean(result, 2, setting.env, setting.form.expects)


def test_help_works_whatever_the_environment_holds(runner):
    result = runner.invoke(main, ["query", "--help"], env={"ROLEGRAPH_MAX_ROWS": "abc", "ROLEGRAPH_STORE": __file__},
                           catch_exceptions=False)
    assert result.exit_code == 0 and "Usage:" in result.output


def test_an_option_overrides_a_bad_variable(runner, tmp_path):
    result = runner.invoke(main, ["--store", str(tmp_path / "store"), "query", "counts"],
                           env={"ROLEGRAPH_STORE": __file__}, catch_exceptions=False)
    assert_clean(result, 3, "no published graph")


# ---------------------------------------------------------------- bad options

def bad_value(param: click.Parameter, folder) -> str | None:
    """A value of the wrong form for ``param``, from its type; None where the type takes any text."""
    kind = param.type
    if param.name in BY_NAME:  # the option of a setting (its type: SettingType, or text parsed later)
        return BAD[param.name]
    if isinstance(kind, click.Choice):
        return "no-such-choice"
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return "abc"
    if isinstance(kind, IriType):
        return "not an iri"
    if isinstance(kind, EndpointType):
        return "notaurl"
    if isinstance(kind, click.Path) and kind.exists:
        return str(folder / "missing")
    return None


def option_cases():
    for words, chain in sorted(COMMANDS.items()):
        for depth, command in enumerate(chain):
            for param in command.params:
                if isinstance(param, click.Option) and not param.is_flag and param.name != "help":
                    yield pytest.param(words, depth, param.opts[0], param, id=f"{' '.join(words)} {param.opts[0]}")


@pytest.mark.parametrize("words,depth,flag,param", list(option_cases()))
def test_a_bad_option_value_is_a_usage_error_naming_the_option(runner, files, monkeypatch, words, depth, flag, param):
    value = bad_value(param, files)
    if value is None:
        pytest.skip(f"{flag} takes any text; its values are walked below")
    monkeypatch.chdir(files)
    args = [*words, *good_args(words, files), flag, value]  # the option's last value wins
    if depth < len(words):  # an option of a group goes before its subcommand
        args = [*words[:depth], flag, value, *words[depth:], *good_args(words, files)]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert_clean(result, 2, flag)


@pytest.mark.parametrize("args,code,named", [
    (["query", "counts", "-p", "novalue"], 2, ["--param", "'novalue'", "KEY=VALUE"]),
    (["query", "counts", "--sparql", "SELECT * {}"], 2, ["NAME", "--sparql"]),
    (["query", "role-tools", "-p", "role=not an iri"], 4, ["parameter role", "not a valid iri"]),
    (["query", "role-tools"], 4, ["needs parameter role"]),
    (["query", "no-such-query"], 2, ["no named query"]),
    (["export", "--graph", "https://example.org/no-such-graph"], 2, ["https://example.org/no-such-graph"]),
    (["export", "-o", "{folder}/no/such/folder/out.ttl"], 2, ["cannot write", "no/such/folder/out.ttl"]),
    (["serve", "--host", "no such host", "--port", "8099"], 2, ["--host", "no such host"]),
    (["evaluate", "--gold", "{folder}/gold", str(SAMPLES / "data-engineer.html"), "--doc", "other.txt"], 2,
     ["--doc", "other.txt"]),
])
def test_bad_option_values_the_types_cannot_tell(runner, files, built_store, args, code, named):
    args = [a.replace("{folder}", str(files)) for a in args]
    if args[0] == "evaluate":  # a gold annotation for the document, so that --doc is what is wrong
        (files / "gold" / "data-engineer.json").write_text('{"doc": "data-engineer.html"}', encoding="utf-8")
    result = runner.invoke(main, ["--store", str(built_store), *args], catch_exceptions=False)
    assert_clean(result, code, *named)


def test_serve_on_a_port_in_use_names_the_address(runner, built_store):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["--store", str(built_store), "serve", "--port", str(port)], catch_exceptions=False)
    assert_clean(result, 2, f"cannot listen on 127.0.0.1:{port}", "Address already in use")


# ---------------------------------------------------------------- bad files

def write_bad(folder, kind: str, name: str):
    """A bad file of ``kind`` called ``name`` in ``folder``: missing, empty, garbage (binary), a FIFO (a
    read would block), a JSON list, or one whose own format is broken."""
    path = folder / name
    if kind != "missing":  # a missing file's folder may be missing too
        path.parent.mkdir(parents=True, exist_ok=True)
    content = {
        "empty": b"",
        "list": b"[1, 2]\n",
        "garbage": b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x00garbage" * 20,
        "broken": {".ttl": b"@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \"unclosed .\n",
                   ".pdf": b"%PDF-1.7\n1 0 obj <<",
                   ".csv": b"conceptUri,preferredLabel\n\"https://example.org/a,\"unclosed\n",
                   ".json": b'{"doc": "data-engineer.html",\n  "main_role": \n',
                   ".toml": b'[[role]]\nid = "a"\nname = "A\n',
                   ".tsv": b"#mapping_set_id: https://example.org/curated\n"  # a curated SSSOM file, line 4 wrong
                           b"subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
                           b"rolegraph:role/x\tskos:closeMatch\tesco:skill/y\tsemapv:ManualMappingCuration\n"
                           b"rolegraph:role/x\tskos:sameAs\tesco:skill/y\tsemapv:ManualMappingCuration\n"}.get(path.suffix),
    }.get(kind)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind != "missing":
        path.write_bytes(content)
    return path


#: Per command, the argument that is a file or folder, and each kind of bad file: (how it is made: kind,
#: name; the arguments given; the exit code; what the output names). A command with a path parameter and
#: no row here fails test_every_command_with_a_path_is_in_the_table.
FILE_CASES = {
    ("build",): [
        ("missing", "docs/gone.txt", ["{path}"], 2, ["cannot read file", "file={path}"]),
        ("empty", "empty.md", ["{path}"], 2, ["empty document", "file={path}"]),
        ("garbage", "photo.txt", ["{path}"], 2, ["binary file", "file={path}"]),
        ("broken", "cut.pdf", ["{path}"], 2, ["PDF", "file={path}"]),
        ("empty", "wrong.csv", ["{path}"], 2, ["unsupported file type .csv", "file={path}"]),
        ("fifo", "pipe.txt", ["{path}"], 2, ["not a regular file", "file={path}"]),
    ],
    ("extract",): [
        ("missing", "gone.txt", ["{path}"], 2, ["cannot read file", "file={path}"]),
        ("garbage", "noise.html", ["{path}"], 2, ["binary file", "file={path}"]),
        ("empty", "wrong.ttl", ["{path}"], 2, ["unsupported file type .ttl", "file={path}"]),
    ],
    ("evaluate",): [
        ("broken", "gold/data-engineer.json", ["--gold", "{folder}/gold", str(SAMPLES / "data-engineer.html")], 2,
         ["malformed gold annotation", "file={path}", "line=3"]),
        ("garbage", "gold/data-engineer.json", ["--gold", "{folder}/gold", str(SAMPLES / "data-engineer.html")], 2,
         ["gold annotation is not UTF-8 text", "file={path}"]),
        ("list", "gold/data-engineer.json", ["--gold", "{folder}/gold", str(SAMPLES / "data-engineer.html")], 2,
         ["a JSON object expected, not list", "file={path}"]),
        ("missing", "gold/data-engineer.json", ["--gold", "{folder}/gold", str(SAMPLES / "data-engineer.html")], 2,
         ["no gold annotation", "file={path}"]),
        ("missing", "nowhere", ["--gold", "{path}", str(SAMPLES / "data-engineer.html")], 2, ["--gold", "{path}"]),
    ],
    ("validate",): [
        ("missing", "gone.ttl", ["{path}"], 2, ["FILES", "{path}"]),
        ("broken", "broken.ttl", ["{path}"], 2, ["cannot parse Turtle", "file={path}", "line=3"]),
        ("garbage", "garbage.nt", ["{path}"], 2, ["cannot parse N-Triples", "file={path}", "line=1"]),
        ("empty", "wrong.csv", ["{path}"], 2, ["unknown RDF file extension '.csv'", "file={path}"]),
        ("fifo", "pipe.ttl", ["{path}"], 2, ["not a regular file", "file={path}"]),
    ],
    ("import", "rdf"): [
        ("missing", "gone.ttl", ["{path}"], 2, ["FILES", "{path}"]),
        ("broken", "broken.ttl", ["{path}"], 2, ["cannot parse Turtle", "file={path}", "line=3"]),
        ("garbage", "garbage.jsonld", ["{path}"], 2, ["cannot parse JSON-LD", "file={path}", "line=1"]),
        ("empty", "wrong.csv", ["{path}"], 2, ["unknown RDF file extension '.csv'", "file={path}"]),
        ("fifo", "pipe.nt", ["{path}"], 2, ["not a regular file", "file={path}"]),
    ],
    ("import", "esco"): [
        ("missing", "esco/gone", ["{path}"], 2, ["FOLDER", "{path}"]),
        ("empty", "esco/v1.2.0/occupations_en.csv", ["{folder}/esco/v1.2.0"], 2, ["occupations_en.csv is empty", "line=1"]),
        ("garbage", "esco/v1.2.0/occupations_en.csv", ["{folder}/esco/v1.2.0"], 2,
         ["occupations_en.csv lacks the column(s)", "line=1"]),
        ("empty", "esco/v1.2.0/notes.txt", ["{folder}/esco/v1.2.0"], 2, ["no ESCO export under", "{folder}/esco/v1.2.0"]),
        ("fifo", "esco/v1.2.0/occupations_en.csv", ["{folder}/esco/v1.2.0"], 2, ["occupations_en.csv is not a regular file"]),
    ],
    ("import", "rome"): [
        ("missing", "rome/gone", ["{path}"], 2, ["FOLDER", "{path}"]),
        ("garbage", "rome/unix_referentiel_code_rome_v460_utf8.csv", ["{folder}/rome"], 2,
         ["unix_referentiel_code_rome_v460_utf8.csv lacks the column(s)", "line=1"]),
        ("empty", "rome/unix_referentiel_code_rome_v460_utf8.csv", ["{folder}/rome"], 2,
         ["unix_referentiel_code_rome_v460_utf8.csv is empty", "line=1"]),
    ],
    ("check",): [
        ("missing", "lexicon/gone", ["--no-reasoner", "--lexicon", "{path}"], 2, ["--lexicon", "{path}"]),
        ("broken", "lexicon/roles.toml", ["--no-reasoner", "--lexicon", "{folder}/lexicon"], 1,
         ["lexicon: {path}:3:", "TOML syntax error"]),
        ("garbage", "lexicon/roles.toml", ["--no-reasoner", "--lexicon", "{folder}/lexicon"], 1,
         ["lexicon: {path}:1:", "not UTF-8 text"]),
        ("empty", "lexicon/README.md", ["--no-reasoner", "--lexicon", "{folder}/lexicon"], 1,
         ["lexicon: {folder}/lexicon/tools.toml:", "cannot read lexicon file"]),
    ],
    ("export",): [
        ("missing", "out/none/x.ttl", ["-o", "{path}"], 2, ["cannot write the export", "file={path}"]),
    ],
    ("mappings", "export"): [
        ("missing", "out/none/x.sssom.tsv", ["-o", "{path}"], 2, ["cannot write the mappings file", "file={path}"]),
    ],
    ("link",): [
        ("missing", "gone.sssom.tsv", ["--mappings", "{path}"], 2, ["mappings file {path} does not exist"]),
        ("broken", "curated.sssom.tsv", ["--mappings", "{path}"], 2, ["{path}:4: predicate_id", "line=4"]),
    ],
}


#: The curated mappings file of the commands that link (build, add, link, import esco, import rome).
MAPPINGS_CASES = [
    ("missing", "gone.sssom.tsv", [str(SAMPLES), "--mappings", "{path}"], 2, ["mappings file {path} does not exist"]),
    ("broken", "curated.sssom.tsv", [str(SAMPLES), "--mappings", "{path}"], 2, ["{path}:4: predicate_id", "line=4"]),
    ("empty", "empty.sssom.tsv", [str(SAMPLES), "--mappings", "{path}"], 2, ["{path}", "SSSOM"]),
]
FILE_CASES[("build",)] = FILE_CASES[("build",)] + MAPPINGS_CASES
FILE_CASES[("add",)] = FILE_CASES[("build",)]  # add reads its documents as build does
FILE_CASES[("import", "rome")] = FILE_CASES[("import", "rome")] + [
    (kind, name, [str(FIXTURES / "rome"), *args[1:]], code, named) for kind, name, args, code, named in MAPPINGS_CASES]
FILE_CASES[("import", "esco")] = FILE_CASES[("import", "esco")] + [
    (kind, name, [str(FIXTURES / "esco" / "v1.2.0" / "en"), *args[1:]], code, named)
    for kind, name, args, code, named in MAPPINGS_CASES]


def test_every_command_with_a_path_is_in_the_table():
    with_paths = {words for words, chain in COMMANDS.items()
                  if any(isinstance(p.type, click.Path) for p in chain[-1].params)}
    assert with_paths <= set(FILE_CASES)


@pytest.mark.parametrize("words,kind,name,args,code,named",
                         [pytest.param(words, *case, id=f"{' '.join(words)} {case[0]} {case[1]}")
                          for words, cases in FILE_CASES.items() for case in cases])
def test_a_bad_file_is_named(runner, tmp_path, built_store, words, kind, name, args, code, named):
    import shutil

    if words == ("check",) and kind != "missing":  # a copy of our lexicon with one file broken
        shutil.copytree(ROOT / "data" / "lexicon", tmp_path / "lexicon")
        (tmp_path / "lexicon" / name.split("/")[1]).unlink(missing_ok=True)
        if name.endswith("README.md"):
            for toml in (tmp_path / "lexicon").glob("*.toml"):
                toml.unlink()
    (tmp_path / "gold").mkdir()  # evaluate's folder of gold annotations
    path = write_bad(tmp_path, kind, name)
    fill = lambda text: text.replace("{path}", str(path)).replace("{folder}", str(tmp_path))  # noqa: E731
    # export only reads the store; link would publish to it, but a bad mappings file stops it first
    store = built_store if words in (("export",), ("mappings", "export"), ("link",)) else tmp_path / "store"
    result = runner.invoke(main, ["--store", str(store), *words, *map(fill, args)], catch_exceptions=False)
    assert_clean(result, code, *map(fill, named))


# ---------------------------------------------------------------- the real CLI, as subprocesses

@pytest.mark.parametrize("args,env,code,named", [
    (["query", "counts"], {"ROLEGRAPH_MAX_ROWS": "abc"}, 2, ["ROLEGRAPH_MAX_ROWS='abc'", "a whole number ≥ 1"]),
    (["serve"], {"ROLEGRAPH_QUERY_WORKERS": "many"}, 2, ["--workers", "ROLEGRAPH_QUERY_WORKERS='many'"]),
    (["build", str(SAMPLES)], {"ROLEGRAPH_ALLOW_SERVICE": "maybe"}, 2, ["ROLEGRAPH_ALLOW_SERVICE='maybe'", "true"]),
    (["import", "rdf", str(VALID_TTL), "--graph", "not an iri"], {}, 2, ["--graph", "'not an iri'", "absolute IRI"]),
    (["validate", "{tmp}/broken.ttl"], {}, 2, ["cannot parse Turtle", "line=3", "broken.ttl"]),
    (["check", "--no-reasoner", "--lexicon", "{tmp}/lexicon"], {}, 1, ["tools.toml:", "category = 'databse'"]),
])
def test_the_real_cli_as_a_subprocess(tmp_path, args, env, code, named):
    import shutil

    write_bad(tmp_path, "broken", "broken.ttl")
    shutil.copytree(ROOT / "data" / "lexicon", tmp_path / "lexicon")
    tools = tmp_path / "lexicon" / "tools.toml"
    tools.write_text(tools.read_text(encoding="utf-8").replace('category = "database"', 'category = "databse"', 1),
                     encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROLEGRAPH_") or k == "ROLEGRAPH_SHARED"}
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(tmp_path / "store"), *args],
                          env={**clean, **env}, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert done.returncode == code, output
    assert any(all(n in line for n in named) for line in output.splitlines()), output
