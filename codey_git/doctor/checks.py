"""What could stop a run here, each as a ``Check``: ok, a note, a warning, or a block that says
what to do. A block makes `git codey doctor` exit non-zero."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codey_git.doctor.suggest import Suggestion, need_mb
from codey_git.doctor.system import CPU_FLAG, SystemFacts
from codey_git.models.memory import MB, default_budget_bytes
from codey_git.models.registry import Registry

if TYPE_CHECKING:
    from codey_git.config import Config

OK, NOTE, WARN, BLOCK = "ok", "note", "warn", "block"
REBUILD = (
    "Rebuild it for this CPU: CMAKE_ARGS=\"-DGGML_NATIVE=ON\" pip install --force-reinstall --no-cache-dir "
    "--no-binary llama-cpp-python llama-cpp-python"
)
TEST_TIMEOUT_CAP = 120.0


@dataclass
class Check:
    name: str
    status: str  # ok, note, warn, block
    detail: str
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def python_check() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < (3, 10):
        return Check("python", BLOCK, f"Python {version}", "codey needs Python 3.10 or newer.")
    return Check("python", OK, f"Python {version}")


def git_check(facts: SystemFacts) -> Check:
    if not facts.git:
        return Check("git", BLOCK, "git is not on PATH", "Install git (Debian/Ubuntu: apt install git).")
    return Check("git", OK, f"git {facts.git}")


def llama_check(facts: SystemFacts, backend: str) -> Check:
    llama = facts.llama
    needed = backend == "llama_cpp"
    if llama.error:
        fix = (
            REBUILD
            if "SIGILL" in llama.error
            else "pip install llama-cpp-python (it compiles: a C compiler and CMake are needed)"
            if not llama.installed
            else "Reinstall it: pip install --force-reinstall llama-cpp-python"
        )
        status = BLOCK if needed else NOTE
        return Check("llama.cpp", status, llama.error + ("" if needed else f" (not used: backend is {backend})"), fix)
    missing = cpu_lacks(facts)
    if missing:
        return Check(
            "llama.cpp",
            BLOCK if needed else WARN,
            f"built with {', '.join(missing)}, which this CPU lacks: the first model call would die with an illegal instruction",
            REBUILD,
        )
    shown = " ".join(llama.features) or "no SIMD features reported"
    return Check("llama.cpp", OK, f"llama-cpp-python {llama.version}: {shown}")


def cpu_lacks(facts: SystemFacts) -> list[str]:
    """llama.cpp features whose instructions the CPU does not have (only where /proc/cpuinfo says)."""
    if facts.cpu_flags is None:
        return []
    flags = set(facts.cpu_flags)
    return [f for f in facts.llama.features if f in CPU_FLAG and CPU_FLAG[f] not in flags]


def compiler_check(facts: SystemFacts, backend: str) -> Check:
    cc = facts.compilers.get("cc") or facts.compilers.get("gcc") or facts.compilers.get("clang")
    cmake = facts.compilers.get("cmake")
    if cc and cmake:
        return Check("compiler", OK, f"C compiler {cc}, CMake {cmake}")
    lacking = " and ".join(n for n, p in (("a C compiler", cc), ("CMake", cmake)) if not p)
    usable = facts.llama.installed and not facts.llama.error
    if usable or backend != "llama_cpp":
        return Check(
            "compiler",
            NOTE,
            f"no {lacking}: needed only to install or rebuild llama-cpp-python",
            "Debian/Ubuntu: apt install build-essential cmake",
        )
    return Check(
        "compiler",
        BLOCK,
        f"no {lacking}, and llama-cpp-python must be compiled on this machine",
        "Debian/Ubuntu: apt install build-essential cmake; then pip install llama-cpp-python",
    )


def memory_checks(facts: SystemFacts, config: Config, registry: Registry, suggestion: Suggestion) -> list[Check]:
    if config.backend != "llama_cpp":
        return [
            Check(
                "memory",
                OK,
                f"{facts.ram_mb} MB RAM ({facts.free_ram_mb} MB free); models run on the {config.backend} backend, not here",
            )
        ]
    out = []
    if suggestion.coder is None:
        smallest = min((need_mb(registry, e, 2048) or 10**9 for e in registry.entries() if "coder" in e.roles), default=None)
        out.append(
            Check(
                "memory",
                BLOCK,
                f"too little RAM for the smallest coder (about {smallest} MB at a "
                f"2048-token context; budget {suggestion.memory_budget_mb} MB of "
                f"{facts.ram_mb} MB)",
                "Free memory, or use a shared model server (backend: openai; see docs/ci.md).",
            )
        )
        return out
    budget = default_budget_bytes(config.get("memory_budget_mb")) // MB
    coder = config.coder
    try:
        entry = registry.get(coder)
    except Exception as exc:  # noqa: BLE001 - an unknown coder name
        return [Check("memory", BLOCK, str(exc), "Set `coder:` to a model in `git codey models list`.")]
    n_ctx = config.get("context_size") or min(entry.context_length or 8192, 8192)
    need = need_mb(registry, entry, n_ctx)
    if need is not None and need > budget:
        out.append(
            Check(
                "memory",
                BLOCK,
                f"the coder {coder} needs about {need} MB at a {n_ctx}-token context, more than the memory budget of {budget} MB",
                f"Use the suggested configuration below (coder {suggestion.coder}, context_size "
                f"{suggestion.context_size}), or raise memory_budget_mb.",
            )
        )
    else:
        shown = f"about {need} MB" if need is not None else "an unknown amount"
        out.append(
            Check(
                "memory",
                OK,
                f"{facts.ram_mb} MB RAM, {facts.free_ram_mb} MB free; the coder {coder} needs {shown} of a {budget} MB budget",
            )
        )
    return out


def model_checks(facts: SystemFacts, config: Config, registry: Registry) -> list[Check]:
    """The models this configuration uses: bad files block; a missing one is fetched on first use
    unless the disk cannot hold it."""
    if config.backend != "llama_cpp":
        return []
    out, free = [], facts.disk_free_mb
    roles: dict[str, list[str]] = {}
    for role in ("coder", "reviewer", "router"):
        roles.setdefault(config.get(role), []).append(role)
    for name, used_as in roles.items():
        try:
            entry = registry.get(name)
        except Exception as exc:  # noqa: BLE001
            out.append(Check(f"model {name}", BLOCK, str(exc), "Pick a model from `git codey models list`."))
            continue
        status = registry.status(entry)
        label = f"model {name}"
        if status.state == "bad":
            out.append(
                Check(
                    label, BLOCK, f"{status.path}: {status.detail}", f"git codey models rm {name} && git codey models pull {name}"
                )
            )
        elif status.state == "missing":
            size = (entry.size or 0) // MB
            if free is not None and entry.size and free < size + 64:
                out.append(
                    Check(
                        label,
                        BLOCK,
                        f"not downloaded, and {facts.models_dir} has {free} MB free for its {size} MB",
                        "Free disk space, or set CODEY_MODELS_DIR to a larger disk.",
                    )
                )
            else:
                out.append(
                    Check(
                        label,
                        NOTE,
                        f"not downloaded yet ({size} MB; {', '.join(used_as)})",
                        f"git codey models pull {name} (or it is fetched on first use with --yes)",
                    )
                )
        else:
            out.append(Check(label, OK, f"{status.state} ({', '.join(used_as)})"))
    return out


def disk_check(facts: SystemFacts) -> Check:
    if facts.disk_free_mb is None:
        return Check("disk", WARN, f"cannot tell the free space under {facts.models_dir}")
    status = WARN if facts.disk_free_mb < 512 else OK
    return Check(
        "disk",
        status,
        f"{facts.disk_free_mb} MB free under {facts.models_dir}",
        "Free some space, or point CODEY_MODELS_DIR at a larger disk." if status == WARN else None,
    )


def test_check(root: Path | None, config: Config) -> Check:
    """Whether the repository's test command runs (in a scratch worktree of HEAD, as codey runs it)."""
    if root is None:
        return Check("tests", NOTE, "not inside a git repository: the test command was not tried")
    from codey_git.errors import CodeyError
    from codey_git.gitrepo import open_repo
    from codey_git.recipes.scratch import prune_under, scratch_worktree
    from codey_git.testrun import check_baseline, run_tests

    try:
        repo = open_repo(root, need_branch=False)
    except CodeyError as exc:
        return Check("tests", NOTE, f"{exc.message}: the test command was not tried")
    timeout = min(float(config.test_timeout), TEST_TIMEOUT_CAP)
    scratch = repo.codey_dir / "doctor"
    prune_under(repo.root, scratch)
    try:
        with scratch_worktree(repo.root, scratch / "tests", repo.head_oid()) as tree:
            run = run_tests(config.test_command, tree, timeout)
        check_baseline(run, config.test_command, timeout)
    except CodeyError as exc:
        return Check("tests", BLOCK, f"`{config.test_command}`: {exc.message}", exc.hint)
    finally:
        prune_under(repo.root, scratch)
    if run.ok:
        return Check("tests", OK, f"`{config.test_command}` runs: {run.summary} ({run.seconds:.1f} s)")
    return Check(
        "tests", OK, f"`{config.test_command}` runs: {run.summary} ({run.seconds:.1f} s); `git codey fix` has something to do"
    )


def sandbox_check(config: Config) -> Check:
    try:
        from codey_git.sandbox import detect
    except ImportError:
        return Check("sandbox", NOTE, "this version of codey has no test sandbox")
    info = detect()
    mode = str(config.get("sandbox") or "auto")
    if info.available:
        return Check("sandbox", OK, f"{info.kind}: {info.detail} (sandbox: {mode})")
    if mode == "on":
        return Check("sandbox", BLOCK, f"sandbox: on, but {info.detail}", "Install bubblewrap, or set sandbox: auto.")
    return Check("sandbox", NOTE, f"none: {info.detail}")


def server_check(config: Config) -> Check | None:
    """backend: openai: is the shared server answering?"""
    if config.backend != "openai":
        return None
    import urllib.error
    import urllib.request

    url = str(config.get("openai.base_url")).rstrip("/") + "/models"
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return Check("server", OK, f"{url} answers ({answer.status})")
    except urllib.error.HTTPError as exc:  # it answers, if not with a list of models
        return Check("server", OK, f"{url} answers (HTTP {exc.code})")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Check(
            "server", BLOCK, f"{url} does not answer: {exc}", "Start the model server, or fix openai.base_url in .codey.yml."
        )
