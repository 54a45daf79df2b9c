"""The typed, frozen settings object, and the one schema machinery that .codey.yml, recipes and
scripted answers are all checked by (issue #20): the same error type and the same wording, with
file, line and field, wherever a value is wrong."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import typing
from pathlib import Path

import pytest
import yaml

from codey_git.config import Config, Settings, load_config
from codey_git.config.fields import Field
from codey_git.config.schema import SCHEMA, OpenAISettings, ReviewSettings, default_values
from codey_git.errors import ConfigError
from codey_git.models.scripted import ScriptedProvider, load_script
from codey_git.recipes.schema import validate_recipe
from codey_git.yamlfile import load_yaml_document, parse_yaml_with_lines

ROOT = Path(__file__).resolve().parents[1]


def config_error(tmp_path: Path, text: str) -> ConfigError:
    (tmp_path / ".codey.yml").write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, environ={})
    return err.value


def recipe_error(tmp_path: Path, text: str) -> ConfigError:
    path = tmp_path / "r.yml"
    path.write_text(text)
    doc = load_yaml_document(path)
    with pytest.raises(ConfigError) as err:
        validate_recipe(doc.data, doc.lines, doc.source)
    return err.value


def script_error(tmp_path: Path, text: str) -> ConfigError:
    path = tmp_path / "script.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_script(path)
    return err.value


# --- the object ----------------------------------------------------------------------------------


def test_settings_are_frozen():
    cfg = load_config(None, environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.attempts = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.review.fail_on = "low"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.warnings = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        cfg.review["fail_on"] = "low"  # type: ignore[index]
    with pytest.raises(TypeError):
        cfg.sources["attempts"] = "me"  # type: ignore[index]
    assert cfg.attempts == 3 and cfg.review.fail_on == "high"


def test_every_access_pattern_reads_the_same_value(tmp_path):
    (tmp_path / ".codey.yml").write_text("attempts: 4\nreview:\n  fail_on: low\n")
    cfg = load_config(tmp_path, environ={})
    assert Config is Settings and isinstance(cfg, Settings)
    assert cfg.attempts == cfg.get("attempts") == 4
    assert cfg.review.fail_on == cfg.review["fail_on"] == cfg.get("review.fail_on") == "low"
    assert dict(cfg.review)["fail_on"] == "low" and "fail_on" in cfg.review
    assert cfg.get("review.nothing") is None and cfg.get("nothing", "x") == "x" and cfg.get("attempts.deeper") is None
    plain = cfg.as_dict()
    assert plain["review"]["fail_on"] == "low" and type(plain["review"]) is dict
    assert set(plain) == set(SCHEMA)
    assert cfg.sources["attempts"] == str(tmp_path / ".codey.yml") and cfg.sources["coder"] == "default"


def test_with_overrides_returns_a_new_checked_object():
    cfg = load_config(None, environ={})
    newer = cfg.with_overrides({"attempts": 7, "review": {"fail_on": "medium"}})
    assert (newer.attempts, newer.review.fail_on, newer.sources["attempts"]) == (7, "medium", "command line")
    assert (cfg.attempts, cfg.review.fail_on) == (3, "high")
    with pytest.raises(ConfigError) as err:
        cfg.with_overrides({"attempts": 0})
    assert str(err.value) == "command line: attempts: expected integer >= 1, got 0"


def test_values_are_converted_when_loaded():
    cfg = load_config(None, environ={"CODEY_TEST_TIMEOUT": "30", "CODEY_ATTEMPTS": "2", "CODEY_SANDBOX": "off"})
    assert cfg.test_timeout == 30.0 and isinstance(cfg.test_timeout, float)
    assert cfg.attempts == 2 and isinstance(cfg.attempts, int)
    assert isinstance(cfg.review.max_seconds, float) and isinstance(cfg.openai.timeout, float)
    assert cfg.sandbox is False


def test_built_from_values_or_keywords_and_still_checked():
    assert Settings().as_dict() == load_config(None, environ={}).as_dict()
    assert Config(default_values(), [], {}).attempts == 3  # what `git codey doctor` falls back to
    made = Settings(attempts=2, review={"fail_on": "low"})
    assert (made.attempts, made.review.fail_on, made.review.fail_open) == (2, "low", True)
    assert dataclasses.replace(made, attempts=5).attempts == 5
    with pytest.raises(ConfigError, match="attempts: expected integer >= 1, got 0"):
        Settings(attempts=0)
    with pytest.raises(ConfigError, match="test_timeout: expected a finite number, got inf"):
        Settings(test_timeout=float("inf"))
    with pytest.raises(TypeError, match="unknown setting 'atempts'"):
        Settings(atempts=2)


def test_copies_and_pickles_are_equal_settings():
    cfg = load_config(None, environ={"CODEY_CODER": "m"}).with_overrides({"models": {"m": {"path": "/x.gguf"}}})
    for other in (copy.copy(cfg), copy.deepcopy(cfg), pickle.loads(pickle.dumps(cfg))):
        assert other.as_dict() == cfg.as_dict() and dict(other.sources) == dict(cfg.sources)
        assert other.warnings == cfg.warnings


def test_the_dataclass_declarations_are_the_schema():
    """Each key's annotation says what its Field accepts, so a type checker sees what a file may hold."""

    def expected(spec: Field) -> set[str]:
        names = {int: "int", str: "str", bool: "bool", dict: "Mapping[str, Any]"}
        types = ["float"] if spec.is_number else [names[t] for t in spec.types]
        return set(types + (["None"] if spec.nullable else []))

    for cls, schema in ((Settings, SCHEMA), (ReviewSettings, SCHEMA["review"]), (OpenAISettings, SCHEMA["openai"])):
        for f in dataclasses.fields(cls):
            if f.name in schema and isinstance(schema[f.name], Field):
                assert {t.strip() for t in str(f.type).split("|")} == expected(schema[f.name]), f.name
    hints = typing.get_type_hints(Settings)
    assert hints["review"] is ReviewSettings and hints["openai"] is OpenAISettings


def test_example_file_loads_into_the_settings_with_its_values(tmp_path):
    example = (ROOT / ".codey.yml.example").read_text()
    (tmp_path / ".codey.yml").write_text(example)
    cfg = load_config(tmp_path, environ={})
    assert cfg.warnings == ()
    data = yaml.safe_load(example)
    for key, value in data.items():
        got = cfg.get(key)
        if isinstance(value, dict) and not isinstance(SCHEMA[key], Field):
            assert {k: cfg.get(f"{key}.{k}") for k in value} == value, key
        else:
            assert (dict(got) if isinstance(value, dict) else got) == value, key


# --- one wording for every file --------------------------------------------------------------------


@pytest.mark.parametrize(
    "config_text, recipe_text, message",
    [
        ("attempts: 0\n", "name: x\nbudget:\n  task_attempts: 0\ntasks:\n  - edit: a\n", "expected integer >= 1, got 0"),
        ("test_timeout: .inf\n", "name: x\ntasks:\n  - shell: make\n    timeout: .inf\n", "expected a finite number, got inf"),
        (
            "test_timeout: .nan\n",
            "name: x\nbudget:\n  task_minutes: .nan\ntasks:\n  - edit: a\n",
            "expected a finite number, got nan",
        ),
        ("test_timeout: -1\n", "name: x\ntasks:\n  - shell: make\n    timeout: -1\n", "expected number > 0, got -1"),
        ("coder: 3\n", "name: x\ntasks:\n  - edit: 3\n", "expected string, got 3"),
    ],
)
def test_a_range_or_type_error_reads_the_same_in_config_and_recipe(config_text, recipe_text, message, tmp_path):
    in_config = config_error(tmp_path, "router: r\n" + config_text)
    in_recipe = recipe_error(tmp_path, recipe_text)
    for err, name in ((in_config, ".codey.yml"), (in_recipe, "r.yml")):
        assert type(err) is ConfigError
        assert err.file == str(tmp_path / name) and err.line is not None and err.field
        assert str(err) == f"{err.file}:{err.line}: {err.field}: {message}"
        assert err.hint and err.hint.startswith(f"{err.field}: ")
    assert (in_config.line, in_config.field) == (2, config_text.split(":")[0])


def test_a_config_key_in_a_recipe_reads_as_in_the_config_file(tmp_path):
    in_config = config_error(tmp_path, "candidates: 0\n")
    in_recipe = recipe_error(tmp_path, "name: x\nconfig:\n  candidates: 0\ntasks:\n  - edit: a\n")
    assert str(in_config).endswith(":1: candidates: expected integer >= 1, got 0")
    assert str(in_recipe).endswith("r.yml:3: config.candidates: expected integer >= 1, got 0")
    assert in_recipe.hint == "config." + in_config.hint


@pytest.mark.parametrize(
    "text",
    [
        "test_timeout: .inf",
        "test_timeout: .nan",
        "test_timeout: -.inf",
        "openai:\n  timeout: .inf",
        "review:\n  max_seconds: .nan",
        "max_seconds: .inf",
        "idle_unload_s: .nan",
    ],
)
def test_a_timeout_that_is_not_finite_is_refused(text, tmp_path):
    err = config_error(tmp_path, text + "\n")
    assert "expected a finite number" in err.message and err.line == text.count("\n") + 1


@pytest.mark.parametrize(
    "name, value",
    [
        ("CODEY_TEST_TIMEOUT", "inf"),
        ("CODEY_TEST_TIMEOUT", "nan"),
        ("CODEY_OPENAI_TIMEOUT", "-inf"),
        ("CODEY_REVIEW_MAX_SECONDS", "NaN"),
    ],
)
def test_a_timeout_that_is_not_finite_is_refused_from_the_environment(name, value):
    with pytest.raises(ConfigError) as err:
        load_config(None, environ={name: value})
    assert str(err.value) == f"environment: {name}: expected a finite number, got {float(value)!r}"


# --- scripted answers go through the same path -----------------------------------------------------


@pytest.mark.parametrize(
    "text, line, field, words",
    [
        ("responses:\n  edt: [a]\n", 2, "responses.edt", "unknown field 'edt'"),
        ("responses:\n  edit: 3\n", 2, "responses.edit", "expected string or list, got 3"),
        ("responses:\n  edit:\n    - a\n    - 3\n", 4, "responses.edit[1]", "expected string or mapping, got 3"),
        ("responses:\n  edit:\n    - when: x\n", 3, "responses.edit[0].text", "missing required field"),
        ("responses:\n  edit:\n    - text: a\n      when: 3\n", 4, "responses.edit[0].when", "expected string (or null), got 3"),
        ("responses: [a]\n", 1, "responses", "expected mapping, got ['a']"),
    ],
)
def test_a_bad_script_names_file_line_and_field(text, line, field, words, tmp_path):
    err = script_error(tmp_path, text)
    assert (err.file, err.line, err.field) == (str(tmp_path / "script.yml"), line, field)
    assert str(err) == f"{err.file}:{line}: {field}: {words}"


def test_a_script_loads_its_answers(tmp_path):
    path = tmp_path / "script.yml"
    path.write_text("responses:\n  edit: one\n  review:\n    - two\n    - {when: m3.py, text: three, note: ok}\n")
    queues, digest = load_script(path)
    assert queues == {
        "edit": [{"when": None, "text": "one"}],
        "review": [{"when": None, "text": "two"}, {"when": "m3.py", "text": "three"}],
    }
    provider = ScriptedProvider(Settings(), script_path=str(path))
    assert provider.script_hash == digest and len(digest) == 16
    assert provider.take("review", "about m3.py") == "two" and provider.take("review", "m3.py") == "three"


def test_the_three_kinds_of_file_share_the_yaml_errors(tmp_path):
    """Malformed YAML is worded the same whichever kind of file holds it."""
    words = []
    for kind in ("config", "recipe", "script"):
        path = tmp_path / f"{kind}.yml"
        path.write_text("a: 1\na: 2\n")
        with pytest.raises(ConfigError) as err:
            if kind == "config":
                (tmp_path / ".codey.yml").write_text(path.read_text())
                load_config(tmp_path, environ={})
            elif kind == "recipe":
                validate_recipe(*parse_yaml_with_lines(path.read_text(), str(path)), str(path))
            else:
                load_script(path)
        words.append(str(err.value).split(": ", 1)[1])
    assert len(set(words)) == 1 and words[0] == "a: key 'a' appears twice (first on line 1)"
