"""ruff for the defects it already finds: one ``ruff check`` on the staged (and the previous)
versions of the changed files, written to a temporary folder with the repository's ruff
configuration beside them (``pyproject.toml``, ``ruff.toml``, ``.ruff.toml`` of every folder on the
way), so its per-file ignores, excludes, ``noqa`` comments and target version hold; rules the
configuration ``ignore``s are dropped too (a rule chosen on the command line would override it).

Only the rules in RULES are read, each with codey's severity: the pyflakes defects (undefined
names, format strings that do not match, repeated dict keys, ``is`` against a literal, an assert
or ``if`` on a tuple, ``raise NotImplemented``) and the flake8-bugbear classics (a mutable default,
``return`` in ``finally``, a comparison as a
statement, ``re.sub`` flags passed as the count, ``except A or B``, an exception caught twice, a
set item twice, ``lru_cache`` on a method). ruff missing or failing: the other checks still run and
the review says what was skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from codey_git import proc

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None

CONFIG_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")  # ruff's own order of preference
TIMEOUT_S = 20.0

_BUG = ("high", "bug")
_WHY_NAME = "this line raises NameError when it runs: define or import it, or use the name it was renamed to"
_WHY_FORMAT = "the string fails or drops values when it is formatted; make the arguments match"
# code -> (severity, category, why it is a defect, added to ruff's message)
RULES: dict[str, tuple[str, str, str]] = {
    "F821": (*_BUG, _WHY_NAME),
    "F823": (*_BUG, "reading it here raises UnboundLocalError: assign it first, or declare it global/nonlocal"),
    **{f"F50{i}": (*_BUG, _WHY_FORMAT) for i in range(1, 10)},
    **{f"F52{i}": (*_BUG, _WHY_FORMAT) for i in range(1, 6)},
    **dict.fromkeys(("F601", "F602"), (*_BUG, "only the last value is kept: remove or rename the duplicate")),
    **dict.fromkeys(("F621", "F622"), (*_BUG, "a SyntaxError when the module loads")),
    "F631": (*_BUG, "a non-empty tuple is always true: write `assert condition, message`"),
    "F632": (*_BUG, "`is` compares identity, not value; use `==`"),
    "F634": (*_BUG, "a non-empty tuple is always true"),
    **dict.fromkeys(("F701", "F702", "F704", "F706", "F707"), (*_BUG, "a SyntaxError")),
    "F901": (*_BUG, "`raise NotImplemented` raises TypeError; raise NotImplementedError"),
    "B006": ("medium", "bug", "the default is made once and shared by every call; default to None"),
    "B012": ("high", "error handling", "it swallows any exception raised in the try block"),
    "B015": (*_BUG, "the result is thrown away: was `=` or an assert meant?"),
    "B019": ("medium", "performance", "the cache keeps every instance alive; cache a function or use functools.cached_property"),
    "B025": ("medium", "error handling", "the second handler never runs"),
    "B033": ("low", "bug", "a set keeps one of them: was another value meant?"),
    "B034": (*_BUG, "the flag is taken as the count (or maxsplit): pass flags=..."),
    "PLW0711": ("high", "error handling", "`except A or B` catches A only: write `except (A, B)`"),
}

# names that exist without a definition in the module: Python 2 builtins behind a version test,
# gettext's `_`, what IPython, notebooks on Spark/Databricks, Snakemake and type checkers inject
INJECTED = set(
    "unicode basestring long xrange raw_input unichr file buffer cmp execfile reload _ get_ipython display "
    "reveal_type reveal_locals WindowsError __IPYTHON__ spark sc dbutils snakemake".split()
)
# a module that makes names at run time: ruff cannot see them
_DYNAMIC = re.compile(
    r"\b(globals|vars|locals)\(\)|\bexec\(|\bexecfile\(|\bsetattr\(\s*(sys\.modules|builtins|"
    r"__builtins__|module|mod)\b|\b__import__\(|\._convert_\("
)
_QUOTED = re.compile(r"`([^`]+)`")


class RuffUnavailable(Exception):
    """ruff is not installed or could not check the files."""


def ruff_binary() -> str:
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found:
            return found
    raise RuffUnavailable("ruff is not installed (pip install ruff)")


def _copy_configs(config_root: Path | None, target: Path, paths: list[str], prefixes: tuple[str, ...]) -> dict[str, Path]:
    """The repository's ruff configurations for ``paths`` (each under one of ``prefixes``, which
    stand for the repository's root), copied beside them under ``target``; folder -> file."""
    found: dict[str, Path] = {}
    if config_root is None:
        return found
    folders: set[tuple[str, str]] = set()
    for path in paths:
        prefix = next((p for p in prefixes if path.startswith(p)), "")
        parts = PurePosixPath(path[len(prefix) :]).parent.parts
        folders.update((prefix, str(PurePosixPath(*parts[:i])) if i else ".") for i in range(len(parts) + 1))
    for prefix, folder in folders:
        for name in CONFIG_NAMES:
            source = config_root / folder / name
            if source.is_file():
                copy = target / prefix / folder / name
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)
                found.setdefault(str(PurePosixPath(prefix or ".", folder)), copy)
    return found


def _ignored(config: Path | None) -> tuple[str, ...]:
    """The rule selectors a ruff configuration ignores."""
    if config is None or tomllib is None:
        return ()
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    if config.name == "pyproject.toml":
        data = data.get("tool", {}).get("ruff", {})
    out: list[str] = []
    for table in (data, data.get("lint", {})):
        for key in ("ignore", "extend-ignore"):
            value = table.get(key, []) if isinstance(table, dict) else []
            out += [str(v) for v in value] if isinstance(value, list) else []
    return tuple("" if v == "ALL" else v for v in out)


def _nearest(configs: dict[str, Path], path: str) -> Path | None:
    folders = map(str, [PurePosixPath(path).parent, *PurePosixPath(path).parent.parents])
    return next((configs[f] for f in folders if f in configs), None)


def _message(code: str, text: str, why: str) -> str:
    if code == "F821":
        quoted = _QUOTED.search(text)
        return f"`{quoted.group(1) if quoted else '?'}` is not defined in this module, so {why}"
    return f"{text.rstrip('.')}: {why}"


def ruff_hits(
    sources: dict[str, str], config_root: Path | None = None, prefixes: tuple[str, ...] = ("",)
) -> dict[str, list[tuple[Any, ...]]]:
    """ruff's findings in RULES for each of ``sources`` ({relative path: text}; a path starts with
    one of ``prefixes``, each a copy of the repository's root), as {path: [(lines, severity,
    category, message, code)]}. Raises RuffUnavailable."""
    binary = ruff_binary()
    with tempfile.TemporaryDirectory(prefix="codey-ruff-") as tmp:
        root = Path(tmp)
        configs = _copy_configs(config_root, root, list(sources), prefixes)
        for path, text in sources.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        options = "--no-cache --output-format json --exit-zero --no-fix --force-exclude --extend-select".split()
        argv = [binary, "check", *options, ",".join(RULES), *sources]
        try:
            result = proc.run(argv, cwd=root, timeout=TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - the binary could not start
            raise RuffUnavailable(f"ruff could not run: {exc}") from None
        if result.timed_out or result.returncode != 0:
            detail = "timed out" if result.timed_out else (result.stderr.strip().splitlines() or ["failed"])[-1]
            raise RuffUnavailable(f"ruff failed: {detail[:200]}")
        try:
            items = json.loads(result.stdout or "[]")
        except ValueError:
            raise RuffUnavailable("ruff's output was not JSON") from None
        out: dict[str, list[tuple[Any, ...]]] = {path: [] for path in sources}
        for item in items:
            code = item.get("code")
            reported = Path(item.get("filename", "")).resolve()
            try:
                rel = reported.relative_to(root.resolve()).as_posix()
            except ValueError:
                continue
            if code not in RULES or rel not in out or code.startswith(_ignored(_nearest(configs, rel)) or ("\0",)):
                continue
            text = item.get("message", "")
            if code == "F821" and (
                (quoted := _QUOTED.search(text)) and quoted.group(1) in INJECTED or _DYNAMIC.search(sources[rel])
            ):
                continue
            first, last = item["location"]["row"], max(item["location"]["row"], item["end_location"]["row"])
            severity, category, why = RULES[code]
            out[rel].append(([first, *range(first + 1, last + 1)], severity, category, _message(code, text, why), code))
        return out
