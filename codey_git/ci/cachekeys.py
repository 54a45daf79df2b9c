"""Cache keys for the composite action, computed before codey is installed (plain Python, run as
a script by the runner's own ``python3``; it reads this checkout's files and imports nothing of
codey's but the catalog module, loaded by path).

- ``models_key``: changes only when a built-in model's sha256 changes, so a board keeps its
  gigabyte of models across codey upgrades and pulls it once.
- ``venv_key``: the codey version, the dependency list, the OS, CPU architecture and Python
  version: llama-cpp-python is compiled for this CPU, so a venv is never shared across machines.

    python3 codey_git/ci/cachekeys.py [ROOT]   # prints and appends to $GITHUB_OUTPUT
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import re
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _catalog(root: Path) -> ModuleType:
    path = root / "codey_git" / "models" / "catalog.py"
    spec = importlib.util.spec_from_file_location("_codey_catalog", path)
    assert spec is not None and spec.loader is not None  # a .py file path always has both
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def models_key(root: Path = ROOT) -> str:
    shas = sorted(entry.sha256 or entry.name for entry in _catalog(root).BUILTIN.values())
    return "codey-models-" + hashlib.sha256("\n".join(shas).encode()).hexdigest()[:16]


def version(root: Path = ROOT) -> str:
    text = (root / "codey_git" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r"__version__\s*=\s*[\"']([^\"']+)", text)
    return match.group(1) if match else "unknown"


def venv_key(root: Path = ROOT) -> str:
    deps = (root / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(deps + version(root).encode()).hexdigest()[:16]
    python = ".".join(platform.python_version_tuple()[:2])
    return f"codey-venv-{platform.system().lower()}-{platform.machine().lower()}-py{python}-{digest}"


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else ROOT
    values = {"version": version(root), "models_key": models_key(root), "venv_key": venv_key(root)}
    lines = [f"{name}={value}\n" for name, value in values.items()]
    sys.stdout.writelines(lines)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.writelines(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
