"""Config layers, schema validation, and the documented example staying in sync with the schema."""

from pathlib import Path

import pytest
import yaml

from codey_git.config import load_config
from codey_git.config.schema import SCHEMA
from codey_git.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_layers_later_wins(tmp_path, monkeypatch):
    user = tmp_path / "xdg" / "codey" / "config.yml"
    user.parent.mkdir(parents=True)
    user.write_text("coder: user-model\nattempts: 5\ntest_timeout: 10\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".codey.yml").write_text("coder: repo-model\nattempts: 4\n")
    cfg = load_config(repo, {"attempts": 2}, environ={"CODEY_CODER": "env-model", "XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert cfg.coder == "env-model"
    assert cfg.attempts == 2
    assert cfg.test_timeout == 10
    assert cfg.sources["coder"] == "environment"


def test_env_vars_are_typed(tmp_path):
    cfg = load_config(
        None,
        environ={
            "CODEY_MEMORY_BUDGET_MB": "4000",
            "CODEY_BACKEND": "scripted",
            "CODEY_TEST_COMMAND": "pytest -x",
            "CODEY_REVIEW_FAIL_OPEN": "false",
        },
    )
    assert cfg.memory_budget_mb == 4000
    assert cfg.backend == "scripted"
    assert cfg.test_command == "pytest -x"
    assert cfg.get("review.fail_open") is False


def test_wrong_type_names_file_line_and_field(tmp_path):
    (tmp_path / ".codey.yml").write_text("coder: x\n\nattempts: lots\n")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, environ={})
    assert str(err.value).startswith(f"{tmp_path / '.codey.yml'}:3: attempts: expected integer")


def test_bad_choice_and_nested_field(tmp_path):
    (tmp_path / ".codey.yml").write_text("review:\n  fail_on: sometimes\n")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, environ={})
    assert ":2: review.fail_on: expected one of critical" in str(err.value)


def test_unknown_key_is_a_warning(tmp_path):
    (tmp_path / ".codey.yml").write_text("coderr: typo\n")
    cfg = load_config(tmp_path, environ={})
    assert cfg.warnings == (f"{tmp_path / '.codey.yml'}:1: unknown key 'coderr' ignored",)


def test_bad_env_value_is_an_error():
    with pytest.raises(ConfigError, match="CODEY_ATTEMPTS"):
        load_config(None, environ={"CODEY_ATTEMPTS": "many"})
    with pytest.raises(ConfigError, match="environment: CODEY_LONG_FILES: expected one of windows, whole"):
        load_config(None, environ={"CODEY_LONG_FILES": "all"})
    with pytest.raises(ConfigError, match="CODEY_REVIEW_FAIL_ON: expected one of"):
        load_config(None, environ={"CODEY_REVIEW_FAIL_ON": "sometimes"})


def test_invalid_yaml_names_line(tmp_path):
    (tmp_path / ".codey.yml").write_text("coder: [unclosed\n")
    with pytest.raises(ConfigError, match=r"\.codey\.yml:\d+: invalid YAML"):
        load_config(tmp_path, environ={})


def test_example_documents_every_key_and_validates(tmp_path):
    example = (ROOT / ".codey.yml.example").read_text()
    data = yaml.safe_load(example)
    assert set(data) == set(SCHEMA)
    for key, spec in SCHEMA.items():
        if isinstance(spec, dict):
            assert set(data[key]) == set(spec), key
    (tmp_path / ".codey.yml").write_text(example)
    cfg = load_config(tmp_path, environ={})
    assert cfg.warnings == ()
