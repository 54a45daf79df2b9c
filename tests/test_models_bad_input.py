"""Bad model input: one clear message, exit 2, and no stamp saying a bad file is good."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import yaml
from models_helpers import sha256, tiny_gguf

from codey_git import paths
from codey_git.config import load_config
from codey_git.errors import ConfigError, ModelError
from codey_git.models.registry import Registry
from codey_git.models.verify import stamp_path

ROOT = Path(__file__).resolve().parents[1]
CLI_ENV = {"PYTHONPATH": str(ROOT)}


def write_user_models(models: dict) -> None:
    path = paths.user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"models": models}))


def verify_fails(codey, cwd: Path, name: str, *needles: str) -> None:
    out = codey(cwd, "models", "verify", name, env=CLI_ENV)
    assert out.returncode == 2, out.stderr
    for needle in needles:
        assert needle in out.stderr
    assert "Traceback" not in out.stderr
    assert not stamp_path(Registry(load_config(None)).get(name)).exists()


def test_file_that_is_not_gguf(codey, tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"<html>404 not found</html>" * 100)
    write_user_models({"bad": {"path": str(bad)}})
    verify_fails(codey, tmp_path, "bad", "corrupt", "not a GGUF file", "models.bad.path")


def test_truncated_file(codey, tmp_path):
    data = tiny_gguf(payload=20_000)
    short = tmp_path / "short.gguf"
    short.write_bytes(data[:5000])
    write_user_models({"short": {"path": str(short), "size": len(data)}})
    verify_fails(codey, tmp_path, "short", "truncated", f"{len(data):,}")


def test_truncated_header(codey, tmp_path):
    short = tmp_path / "short.gguf"
    short.write_bytes(tiny_gguf(payload=0)[:40])
    write_user_models({"short": {"path": str(short)}})
    verify_fails(codey, tmp_path, "short", "truncated")


def test_wrong_sha256(codey, tmp_path):
    good = tmp_path / "m.gguf"
    good.write_bytes(tiny_gguf())
    write_user_models({"m": {"path": str(good), "sha256": "ab" * 32}})
    verify_fails(codey, tmp_path, "m", "expected abab", sha256(good.read_bytes()))


def test_path_that_is_a_directory(codey, tmp_path):
    (tmp_path / "adir").mkdir()
    write_user_models({"d": {"path": str(tmp_path / "adir")}})
    verify_fails(codey, tmp_path, "d", "is a directory")


def test_unknown_model_name(codey, tmp_path):
    for args in (["models", "info", "nope"], ["models", "pull", "nope"], ["models", "rm", "nope"]):
        out = codey(tmp_path, *args, env=CLI_ENV)
        assert out.returncode == 2
        assert "unknown model 'nope'" in out.stderr and "qwen2.5-coder-1.5b" in out.stderr


def test_bad_models_entry_names_the_field(tmp_path):
    write_user_models({"x": {"path": "a.gguf", "url": "https://example.com/a.gguf"}})
    with pytest.raises(ConfigError, match="models.x: give exactly one of"):
        Registry(load_config(None))
    write_user_models({"x": {"path": "a.gguf", "sha": "00"}})
    with pytest.raises(ConfigError, match="models.x.sha: unknown field"):
        Registry(load_config(None))


def test_rm_never_deletes_a_users_own_file(codey, tmp_path):
    own = tmp_path / "own.gguf"
    own.write_bytes(tiny_gguf())
    write_user_models({"own": {"path": str(own)}})
    out = codey(tmp_path, "models", "rm", "own", env=CLI_ENV)
    assert out.returncode == 2 and "does not delete" in out.stderr
    assert own.exists()


def test_good_path_entry_verifies_once_then_uses_the_stamp(codey, tmp_path):
    own = tmp_path / "own.gguf"
    own.write_bytes(tiny_gguf())
    write_user_models({"own": {"path": str(own), "sha256": sha256(own.read_bytes())}})
    out = codey(tmp_path, "models", "verify", "own", "--json", env=CLI_ENV)
    assert out.returncode == 0 and json.loads(out.stdout)["ok"]
    info = json.loads(codey(tmp_path, "models", "info", "own", "--json", env=CLI_ENV).stdout)
    assert info["status"] == "verified" and info["gguf"]["context_length"] == 2048
    own.write_bytes(tiny_gguf(payload=8192))  # replaced: the stamp no longer applies
    assert Registry(load_config(None)).status(Registry(load_config(None)).get("own")).state == "present"


def test_model_larger_than_the_budget_is_refused_before_loading(tmp_path, monkeypatch):
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed")
    from codey_git.models.llama_cpp import LlamaCppProvider

    own = tmp_path / "own.gguf"
    own.write_bytes(tiny_gguf(payload=3 * 2**20))
    write_user_models({"own": {"path": str(own)}})
    monkeypatch.setenv("CODEY_MEMORY_BUDGET_MB", "2")
    monkeypatch.setenv("CODEY_CODER", "own")
    provider = LlamaCppProvider(load_config(None))
    model = provider.get("coder")
    with pytest.raises(ModelError) as info:
        model.count_tokens("hello")
    assert info.value.exit_code == 2
    assert "budget is 2 MB" in info.value.message and "nothing was loaded" in info.value.message
    assert "CODEY_MEMORY_BUDGET_MB" in info.value.hint
    assert provider.loaded() == []


def test_llama_cpp_missing_is_a_clear_error(tmp_path, monkeypatch):
    from codey_git.models.llama_cpp import LlamaCppProvider

    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import llama_cpp now raises ImportError
    with pytest.raises(ModelError, match="llama-cpp-python is not installed") as info:
        LlamaCppProvider(load_config(None)).get("coder")
    assert "backend: openai" in info.value.hint
