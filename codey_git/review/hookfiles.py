"""Installing codey's git hooks next to whatever hooks a repository already has.

A hook that is already there is renamed to ``<name>.codey-chained`` and still runs first (its
failure fails the commit); uninstalling renames it back, so it comes back byte for byte. The hooks
directory is whatever git uses: ``core.hooksPath`` (relative or absolute) or ``.git/hooks``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from codey_git import proc
from codey_git.errors import RepoStateError, UsageError

HOOK_NAMES = ("pre-commit", "prepare-commit-msg")
CHAINED_SUFFIX = ".codey-chained"
MARKER = "# codey-git hook"

_FIND_CODEY = '''CODEY_PYTHON={python}
CODEY_PYTHONPATH={pythonpath}
codey() {{
    if command -v git-codey >/dev/null 2>&1; then
        git-codey "$@"
    elif PYTHONPATH="$CODEY_PYTHONPATH${{PYTHONPATH:+:$PYTHONPATH}}" "$CODEY_PYTHON" -c "import codey_git" >/dev/null 2>&1; then
        PYTHONPATH="$CODEY_PYTHONPATH${{PYTHONPATH:+:$PYTHONPATH}}" "$CODEY_PYTHON" -m codey_git "$@"
    else
        echo "codey: neither git-codey on PATH nor $CODEY_PYTHON with codey_git found; $HOOK_NAME skipped" >&2
        return 0
    fi
}}
chained="$(dirname -- "$0")/$HOOK_NAME{suffix}"
if [ -x "$chained" ]; then
    "$chained" "$@" || exit $?
fi
'''

_BODIES = {
    "pre-commit": '''# Reviews the staged changes; blocks the commit on findings at or above review.fail_on.
# Skip it once with `git commit --no-verify`.
codey review --hook
status=$?
case $status in
    0|1|2|3|130) exit $status ;;
    *) echo "codey: review exited with status $status; commit not blocked" >&2; exit 0 ;;
esac
''',
    "prepare-commit-msg": '''# Drafts a commit message from the staged diff when git has none yet (not for -m, merges,
# amends or templates). Never blocks the commit.
[ -n "$2" ] && exit 0
codey hook draft-message "$1" || true
exit 0
''',
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def render_hook(name: str, python: str | None = None, pythonpath: str | None = None) -> str:
    """The hook script. Without ``python`` it is the generic one shipped in the top-level hooks/."""
    find = _FIND_CODEY.format(python=_quote(python or "python3"), pythonpath=_quote(pythonpath or ""), suffix=CHAINED_SUFFIX)
    return f"#!/bin/sh\n{MARKER}: {name}\nHOOK_NAME={name}\n{find}{_BODIES[name]}"


def installing_python() -> tuple[str, str]:
    """The interpreter running codey now, and the folder its codey_git package is imported from."""
    import codey_git

    return sys.executable, str(Path(codey_git.__file__).resolve().parent.parent)


def hooks_dir(root: Path) -> Path:
    result = proc.run(["git", "rev-parse", "--git-path", "hooks"], cwd=root, timeout=30)
    if not result.ok:
        raise RepoStateError(f"cannot find the hooks folder: {result.stderr.strip()}")
    return (root / result.stdout.strip()).resolve()


def is_ours(path: Path) -> bool:
    try:
        return path.is_file() and MARKER in path.read_text(encoding="utf-8", errors="replace")[:200]
    except OSError:
        return False


def install(root: Path, names: tuple[str, ...] = ("pre-commit",)) -> list[str]:
    """Install (or refresh) the named hooks. Returns one line per hook saying what was done."""
    directory = hooks_dir(root)
    directory.mkdir(parents=True, exist_ok=True)
    python, pythonpath = installing_python()
    done = []
    for name in names:
        target, chained = directory / name, directory / (name + CHAINED_SUFFIX)
        note = f"installed {target}"
        if is_ours(target):
            note = f"updated {target}"
        elif target.exists() or target.is_symlink():
            if chained.exists() or chained.is_symlink():
                raise UsageError(
                    f"{chained} already exists, so the current {name} hook cannot be kept there",
                    "Move one of them away, then run `git codey hook install` again.",
                )
            os.rename(target, chained)
            note = f"installed {target} (your existing hook runs first, kept as {chained.name})"
        tmp = target.with_name(name + ".codey-tmp")  # written whole, then renamed into place
        tmp.write_text(render_hook(name, python, pythonpath), encoding="utf-8")
        tmp.chmod(0o755)
        os.replace(tmp, target)
        done.append(note)
    return done


def uninstall(root: Path, names: tuple[str, ...] = HOOK_NAMES) -> list[str]:
    """Remove codey's hooks and put back any hook they chained to. Leaves other hooks alone."""
    directory = hooks_dir(root)
    done = []
    for name in names:
        target, chained = directory / name, directory / (name + CHAINED_SUFFIX)
        if target.exists() and not is_ours(target):
            done.append(f"left {target} alone: it is not codey's")
            continue
        if is_ours(target):
            target.unlink()
            done.append(f"removed {target}")
        if chained.exists() or chained.is_symlink():
            os.rename(chained, target)
            done.append(f"restored your previous {name} hook")
    return done
