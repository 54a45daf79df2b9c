"""Malformed YAML anywhere codey reads it (.codey.yml, the user config, a recipe, a scripted-answers
file, YAML in a CODEY_* variable) is a usage error naming the file and line, with a hint: exit 2,
never a traceback, and never minutes spent expanding aliases."""

from __future__ import annotations

import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import git

from codey_git.config import load_config
from codey_git.errors import ConfigError
from codey_git.recipes.schema import validate_recipe
from codey_git.yamlfile import load_yaml_with_lines, parse_yaml_with_lines

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")
)

# name -> (bytes of the file, line the error must name or None, words in the message)
MALFORMED = {
    "non-scalar key": (b"coder: x\n? [a, b]\n: 1\n", 2, "key must be plain text"),
    "flow key": (b"coder: x\n? [a, b]: 1\n", 2, "key must be plain text"),
    "recursive alias": (b"coder: x\nmodels: &a [*a]\n", 2, "recursive alias"),
    "billion laughs": (BOMB.encode(), None, "billion laughs"),
    "not utf-8": (b"coder: x\nreviewer: caf\xe9\n", 2, "not UTF-8"),
    "top level not a mapping": (b"- coder\n- x\n", 1, "top level"),
    "tab indent": (b"review:\n\tfail_on: high\n", 2, "invalid YAML"),
    "python tag": (b"coder: !!python/object/apply:os.system [ls]\n", 1, "invalid YAML"),
    "key twice": (b"coder: x\nattempts: 2\ncoder: y\n", 3, "appears twice"),
    "control character": (b"coder: x\x07\n", 1, "invalid YAML"),
}


def _assert_config_error(result, path, line, words):
    err = result.stderr
    assert result.returncode == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    where = f"{path}:{line}:" if line else f"{path}"
    assert where in err, err
    assert words in err, err
    assert "hint:" in err, err


@pytest.fixture
def repo(make_repo):
    return make_repo({"m.py": "x = 1\n"})


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_repo_config_is_a_config_error(name, repo, codey):
    raw, line, words = MALFORMED[name]
    (repo / ".codey.yml").write_bytes(raw)
    start = time.monotonic()
    result = codey(repo, "review", timeout=60)
    assert time.monotonic() - start < 30
    _assert_config_error(result, repo / ".codey.yml", line, words)


@pytest.mark.parametrize("name", ["recursive alias", "billion laughs", "not utf-8", "non-scalar key"])
def test_malformed_user_config_is_a_config_error(name, repo, codey, isolated_home):
    raw, line, words = MALFORMED[name]
    user = isolated_home / "config" / "codey" / "config.yml"
    user.parent.mkdir(parents=True)
    user.write_bytes(raw)
    _assert_config_error(codey(repo, "review", timeout=60), user, line, words)


RECIPE_CASES = {
    "non-scalar key": (b"name: x\ntasks:\n  - fix: a\n    ? [a, b]: 1\n", 4, "key must be plain text"),
    "recursive alias": (b"name: x\ntasks: &t\n  - fix: a\n    files: *t\n", 2, "recursive alias"),
    "billion laughs": (BOMB.encode() + b"name: x\ntasks: *i\n", None, "billion laughs"),
    "not utf-8": (b"name: x\ntasks:\n  - fix: \xff\xfe\n", 3, "not UTF-8"),
    "top level not a mapping": (b"just some text\n", 1, "top level"),
    "tab indent": (b"name: x\ntasks:\n\t- fix: a\n", 3, "invalid YAML"),
}


@pytest.mark.parametrize("name", RECIPE_CASES)
def test_malformed_recipe_is_a_config_error(name, repo, codey):
    raw, line, words = RECIPE_CASES[name]
    (repo / "bad.yml").write_bytes(raw)
    for args in (("recipes", "check", "bad.yml"), ("run", "bad.yml", "--dry-run")):
        _assert_config_error(codey(repo, *args, timeout=60), "bad.yml", line, words)


SCRIPT_CASES = {
    "non-scalar key": (b"responses:\n  ? [review]\n  : ['{}']\n", 2, "key must be plain text"),
    "recursive alias": (b"responses: &r\n  review: [*r]\n", 1, "recursive alias"),
    "billion laughs": (BOMB.encode() + b"responses: {review: *i}\n", None, "billion laughs"),
    "not utf-8": (b"responses:\n  review: ['\xc3\x28']\n", 2, "not UTF-8"),
    "top level not a mapping": (b"- review\n", 1, "top level"),
    "tab indent": (b"responses:\n\treview: []\n", 2, "invalid YAML"),
}


@pytest.mark.parametrize("name", SCRIPT_CASES)
def test_malformed_script_is_a_config_error(name, repo, codey, tmp_path):
    raw, line, words = SCRIPT_CASES[name]
    script = tmp_path / "script.yml"
    script.write_bytes(raw)
    (repo / "m.py").write_text("x = 2\n")
    git(repo, "add", "m.py")
    result = codey(repo, "review", env={"CODEY_BACKEND": "scripted", "CODEY_SCRIPT": str(script)}, timeout=60)
    _assert_config_error(result, script, line, words)


def test_yaml_in_an_environment_variable_goes_through_the_same_loader():
    with pytest.raises(ConfigError, match="CODEY_MODELS.*recursive alias"):
        load_config(None, environ={"CODEY_MODELS": "&a {x: *a}"})
    with pytest.raises(ConfigError, match="CODEY_MODELS.*billion laughs"):
        load_config(None, environ={"CODEY_MODELS": "{" + BOMB.replace("\n", ", ").rstrip(", ") + "}"})


def test_merge_keys_and_shared_anchors_still_work(tmp_path):
    (tmp_path / ".codey.yml").write_text(
        "x-defaults: &d {fail_on: medium, max_seconds: 5}\nreview:\n  <<: *d\n  max_seconds: 9\n"
    )
    cfg = load_config(tmp_path, environ={})
    assert cfg.get("review.fail_on") == "medium" and cfg.get("review.max_seconds") == 9


# --- fuzzing: whatever the bytes, a ConfigError or a value, nothing else -----------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
_docs = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=20,
)
_yaml_tokens = st.sampled_from(
    [
        "a",
        ":",
        " ",
        "\n",
        "  ",
        "\t",
        "-",
        "? ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "!!python/name:os.system",
        "!!binary",
        "'",
        '"',
        "#",
        "|",
        ">",
        "<<: ",
        "---",
        "...",
        "1",
        ".nan",
        "%YAML 1.1",
        "\x00",
        "\ufeff",
        "é",
    ]
)
_yamlish = st.lists(_yaml_tokens, max_size=40).map("".join)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(text=st.one_of(_yamlish, st.text(max_size=200)))
def test_fuzz_text_gives_data_or_config_error(text):
    try:
        parse_yaml_with_lines(text, "f.yml")
    except ConfigError as exc:
        assert exc.file == "f.yml"


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200), _yamlish.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_fuzz_bytes_in_every_file_kind(raw, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / ".codey.yml").write_bytes(raw)
    for load in (
        lambda: load_yaml_with_lines(folder / ".codey.yml"),
        lambda: load_config(folder, environ={}),
        lambda: validate_recipe(*load_yaml_with_lines(folder / ".codey.yml"), "r.yml"),
    ):
        try:
            load()
        except ConfigError:
            pass


@FUZZ
@given(doc=_docs)
def test_fuzz_documents_in_config_and_recipe(doc, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    text = yaml.safe_dump(doc)
    (folder / ".codey.yml").write_text(text)
    for load in (
        lambda: load_config(folder, environ={}),
        lambda: validate_recipe(*parse_yaml_with_lines(text, "r.yml"), "r.yml"),
        lambda: validate_recipe({"name": "x", "tasks": [doc]}, {}, "r.yml"),
        lambda: load_config(None, environ={}).with_overrides(doc if isinstance(doc, dict) else {}),
    ):
        try:
            load()
        except ConfigError:
            pass
