"""Settings are parsed by their form: a value of the wrong form is a SettingError naming the variable, the
value and the form expected, and never a ValueError from deep inside."""
import os

import pytest

from rolegraph.core.errors import SettingError, UsageError
from rolegraph.core.settings import BY_NAME, SETTINGS, defaults

#: A value of the wrong form for every setting (tests/test_cli_errors.py walks the commands with them).
BAD = {
    "store": __file__, "base_iri": "not an iri", "max_document_bytes": "0", "query_timeout": "nan",
    "min_link_confidence": "1.5", "mappings": os.path.dirname(__file__),
    "max_rows": "abc", "update_token": "two words", "allow_service": "maybe", "query_workers": "-2",
    "max_worker_rss_mb": "-1", "max_request_bytes": "1e6", "result_cache_mb": "inf",
    "backend": "ftp://example.org/sparql", "backend_user": "ann:x", "backend_password": "pass\x07word",
    "backend_token": "two words", "backend_auth": "kerberos", "push_user": "ann:x", "push_password": "pass\x07word",
    "push_token": "two words", "push_auth": "kerberos", "push_timeout": "0", "evaluation": "fork",
    "pin_workers": "sometimes",
    "push_batch_bytes": "999",
}


def test_every_setting_has_a_bad_value_here():
    assert set(BAD) == {s.name for s in SETTINGS}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_names_the_variable_and_the_form(name):
    setting = BY_NAME[name]
    with pytest.raises(SettingError) as raised:
        defaults({setting.env: BAD[name]})
    error = raised.value
    assert isinstance(error, UsageError) and error.exit_code == 2
    assert error.message.startswith(f"{setting.env}=") and f"expected {setting.form.expects}" in error.message
    assert error.details["setting"] == name and "\n" not in error.message
    if setting.form.secret:  # a secret is never repeated
        assert BAD[name] not in error.message and "value" not in error.details
    else:
        assert repr(BAD[name]) in error.message


def test_every_bad_variable_is_named_at_once():
    with pytest.raises(SettingError) as raised:
        defaults({"ROLEGRAPH_MAX_ROWS": "abc", "ROLEGRAPH_ALLOW_SERVICE": "maybe"})
    assert "ROLEGRAPH_MAX_ROWS='abc'" in raised.value.message and "ROLEGRAPH_ALLOW_SERVICE='maybe'" in raised.value.message


@pytest.mark.parametrize("env,text,value", [
    ("ROLEGRAPH_MAX_ROWS", " 25 ", 25), ("ROLEGRAPH_QUERY_TIMEOUT", "2.5", 2.5),
    ("ROLEGRAPH_ALLOW_SERVICE", "ON", True), ("ROLEGRAPH_ALLOW_SERVICE", "no", False),
    ("ROLEGRAPH_RESULT_CACHE_MB", "0", 0.0), ("ROLEGRAPH_BASE_IRI", "urn:example:", "urn:example:"),
    ("ROLEGRAPH_MAX_ROWS", "", 10000), ("ROLEGRAPH_EVALUATION", " Prefork ", "prefork"),
])
def test_good_values_parse(env, text, value):
    name = next(s.name for s in SETTINGS if s.env == env)
    assert defaults({env: text})[name] == value
