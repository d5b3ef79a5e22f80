"""The lexicon is validated as it loads: each kind of mistake a curator makes is reported with its file
and line, by the loader (the first, as an InputError) and by `rolegraph check` (all of them)."""
import shutil

import pytest

from conftest import ROOT
from rolegraph.cli import main
from rolegraph.core.errors import InputError
from rolegraph.loader.graph import COMPETENCY_CLASS, LEVEL, TRAINING_TYPE
from rolegraph.loader.lexicon import check_lexicon, load_lexicon, read_entries
from rolegraph.loader.lexicon_schema import COMPETENCY_TYPES, EMPLOYER_TYPES, LEVELS, TOOL_CATEGORIES, TRAINING_TYPES

LEXICON = ROOT / "data" / "lexicon"


@pytest.fixture()
def lexicon(tmp_path):
    """A copy of our lexicon to break."""
    folder = tmp_path / "lexicon"
    shutil.copytree(LEXICON, folder)
    return folder


def replace(folder, file: str, old: str, new: str) -> int:
    """Replace the first ``old`` of ``file`` with ``new``; return the line where it was."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def header_above(folder, file: str, line: int) -> int:
    """The line of the [[table]] header of the entry that holds ``line``."""
    lines = (folder / file).read_text(encoding="utf-8").splitlines()
    return next(n for n in range(line, 0, -1) if lines[n - 1].lstrip().startswith("[["))


def test_our_lexicon_has_no_problem():
    assert check_lexicon() == []
    assert check_lexicon(LEXICON) == []


@pytest.mark.parametrize("file,old,new,message", [
    ("tools.toml", 'category = "database"', 'category = "databse"',
     "category = 'databse' is not one of cloud, database, devops"),
    ("competencies.toml", 'type = "soft"', 'type = "sofft"', "type = 'sofft' is not one of skill, knowledge, soft"),
    ("qualifications.toml", 'level = "bac+5"', 'level = "bac+4"', "level = 'bac+4' is not one of bac, bac+2"),
    ("qualifications.toml", 'type = "bootcamp"', 'type = "boot-camp"', "type = 'boot-camp' is not one of apprenticeship"),
    ("employers.toml", 'id = "startup"', 'id = "start-up"', "id = 'start-up' is not one of agency, esn"),
    ("qualifications.toml", "eqf = 6", 'eqf = "6"', "eqf = '6' is not a whole number from 1 to 8"),
    ("qualifications.toml", "eqf = 6", "eqf = 9", "eqf = 9 is not a whole number from 1 to 8"),
    ("roles.toml", 'name = "Back-end developer"', 'name = ["Back-end developer"]', "is not a non-empty text"),
    ("roles.toml", 'name = "Back-end developer"', 'name = ""', "name = '' is not a non-empty text"),
    ("tools.toml", "exact_case = true", 'exact_case = "yes"', "exact_case = 'yes' is not true or false"),
    ("roles.toml", 'rome = ["M1855", "200151"]', 'rome = [1855]', "rome = [1855] is not a list of ROME codes"),
    ("roles.toml", 'id = "back-end-developer"', 'id = "Back-End developer"', "is not a lower-case slug"),
    ("tools.toml", 'category = "cloud"', 'categroy = "cloud"', "unknown key 'categroy'"),
    ("qualifications.toml", 'issuer = "aws"', 'issuer = "amazon"', "issuer 'amazon' names no [[organisation]]"),
    ("qualifications.toml", 'vendor_tools = ["', 'vendor_tools = ["no-such-tool", "', "vendor_tools 'no-such-tool' names no [[tool]]"),
    ("composition.toml", 'noun = "installation"', 'nun = "installation"', "unknown key 'nun'"),
])
def test_a_wrong_value_is_named_with_its_file_and_line(lexicon, file, old, new, message):
    line = replace(lexicon, file, old, new)
    problems = check_lexicon(lexicon)
    found = [p for p in problems if message in p.message]
    assert [(p.file, p.line) for p in found] == [(str(lexicon / file), line)], problems
    with pytest.raises(InputError) as raised:
        read_entries(lexicon)
    assert raised.value.details["file"] == str(lexicon / file) and raised.value.details["line"] == problems[0].line


def test_a_missing_key_is_named_at_its_entry(lexicon):
    line = replace(lexicon, "tools.toml", 'category = "vcs"\n', "")
    header = header_above(lexicon, "tools.toml", line)
    problems = check_lexicon(lexicon)
    assert [(p.line, p.message) for p in problems] == [(header, "[[tool]] 'git' lacks category")]


def test_a_duplicate_id_names_both_lines(lexicon):
    first = header_above(lexicon, "roles.toml", replace(lexicon, "roles.toml", 'id = "back-end-developer"', 'id = "back-end-developer"'))
    second = replace(lexicon, "roles.toml", 'id = "front-end-developer"', 'id = "back-end-developer"')
    problems = check_lexicon(lexicon)
    assert [(p.line, p.message) for p in problems] == [
        (second, f"[[role]] 'back-end-developer': duplicate id, first at line {first}")]


def test_a_form_two_entries_claim_names_the_second_and_the_first(lexicon):
    first = header_above(lexicon, "tools.toml", replace(lexicon, "tools.toml", 'id = "git"', 'id = "git"'))
    second = replace(lexicon, "tools.toml", 'en = ["Mercurial"]', 'en = ["Mercurial", "gitflow"]')
    problems = check_lexicon(lexicon)
    assert [(p.line, p.message) for p in problems] == [
        (second, f"[[tool]] 'mercurial': the en form 'gitflow' is already a form of [[tool]] 'git' (line {first}); "
                 "a form names one concept")]


def test_an_unknown_table_and_a_table_that_is_not_an_array(lexicon):
    line = replace(lexicon, "tools.toml", "[[tool]]", "[[tol]]")
    (lexicon / "roles.toml").write_text('role = "back-end developer"\n', encoding="utf-8")
    problems = {(p.file, p.line): p.message for p in check_lexicon(lexicon)}
    assert problems[(str(lexicon / "tools.toml"), line)].startswith("unknown table [[tol]]; this file holds [[tool]]")
    assert problems[(str(lexicon / "roles.toml"), 1)] == "role must be an array of tables, written [[role]]"


def test_broken_toml_names_the_line_of_the_syntax_error(lexicon):
    line = replace(lexicon, "competencies.toml", 'name = "Scripting"', 'name = "Scripting')
    [problem] = check_lexicon(lexicon)
    assert (problem.file, problem.line) == (str(lexicon / "competencies.toml"), line)
    assert problem.message.startswith("TOML syntax error")


@pytest.mark.parametrize("content,message", [
    (b"\x89PNG\r\n\x1a\n\x00\xff\xfe garbage", "not UTF-8 text"),
    (None, "cannot read lexicon file: No such file or directory"),
])
def test_a_garbage_or_missing_file(lexicon, content, message):
    path = lexicon / "employers.toml"
    path.unlink()
    if content is not None:
        path.write_bytes(content)
    [problem] = check_lexicon(lexicon)
    assert problem.file == str(path) and problem.message.startswith(message)


def test_an_empty_file_is_an_empty_table(lexicon):
    (lexicon / "employers.toml").write_text("", encoding="utf-8")
    assert check_lexicon(lexicon) == []
    assert not load_lexicon(str(lexicon)).of_kind("employer")


def test_the_closed_lists_are_the_ontology_s_and_the_graph_builder_s():
    assert set(COMPETENCY_TYPES) == set(COMPETENCY_CLASS)
    assert set(TRAINING_TYPES) == TRAINING_TYPE
    assert set(LEVELS) == set(LEVEL)
    assert "database" in TOOL_CATEGORIES and "os" in TOOL_CATEGORIES and "large-company" in EMPLOYER_TYPES


def test_check_lists_every_problem_with_file_and_line(runner, lexicon):
    first = replace(lexicon, "tools.toml", 'category = "database"', 'category = "databse"')
    second = replace(lexicon, "qualifications.toml", 'issuer = "aws"', 'issuer = "amazon"')
    result = runner.invoke(main, ["check", "--no-reasoner", "--lexicon", str(lexicon)], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"lexicon: {lexicon / 'tools.toml'}:{first}: [[tool]] 'nosql': category = 'databse'" in result.output
    assert f"lexicon: {lexicon / 'qualifications.toml'}:{second}: [[certification]]" in result.output
    assert "lexicon: 2 problem(s)" in result.output and "Traceback" not in result.output


def test_check_reports_our_lexicon_sound(runner):
    result = runner.invoke(main, ["check", "--no-reasoner"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "lexicon: 0 problem(s)" in result.output and "lexicon and ontology checks passed" in result.output


def test_the_lexicon_is_read_once_per_process():
    # every document's extraction asks for the lexicon; reading its TOML files each time cost 0.3 s a document
    assert load_lexicon() is load_lexicon()
    assert load_lexicon(str(ROOT / "data" / "lexicon")) is load_lexicon(str(ROOT / "data" / "lexicon"))
