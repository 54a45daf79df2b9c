"""A normal (non-editable) install works as a checkout does: the wheel carries the recipes, hooks
and examples (the same bytes as the top-level folders) and the man page, and a venv made from it
lists and runs the shipped recipes, prints --version and opens `man git-codey`.

Builds the wheel without build isolation (setuptools>=77 and wheel are in the `test` extra) and
borrows this environment's installed dependencies, so nothing is downloaded or compiled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, git

SHIPPED = ("recipes", "hooks", "examples")


def tracked(folder: str) -> list[str]:
    return git(PROJECT_ROOT, "ls-files", folder).splitlines()


def source_copy(dest: Path) -> Path:
    """The checkout's files (tracked, and new ones git does not ignore), links kept as links: a
    build there leaves no build/ behind in the checkout and cannot pick up stale files from one."""
    listed = git(PROJECT_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in sorted(set(filter(None, listed.split("\0")))):
        src, dst = PROJECT_ROOT / rel, dest / rel
        if not (src.exists() or src.is_symlink()):
            continue  # deleted in the working tree
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = source_copy(tmp_path_factory.mktemp("source"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    return next(out.glob("codey_git-*.whl"))


def test_the_wheel_carries_recipes_hooks_examples_man_page_and_license(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for folder in SHIPPED:
            files = tracked(folder)
            assert files, folder
            for rel in files:
                member = f"codey_git/data/{rel}"
                assert member in names, member
                assert archive.read(member) == (PROJECT_ROOT / rel).read_bytes(), member
        man = [n for n in names if n.endswith(".data/data/share/man/man1/git-codey.1")]
        assert len(man) == 1 and archive.read(man[0]) == (PROJECT_ROOT / "man" / "git-codey.1").read_bytes()
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
        assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_a_venv_made_from_the_wheel(wheel, tmp_path, make_repo):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    # the dependencies (llama-cpp-python, pygit2, ...) from this environment, after the venv's own
    (site / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "no such option: --python" in installed.stderr:  # pip < 22.3
        pytest.skip("pip too old to install into another environment")
    assert installed.returncode == 0, installed.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", MANPAGER="cat", PAGER="cat", MANWIDTH="80")
    env.pop("MANPATH", None)
    root = make_repo(
        {
            "calc.py": "def add(a, b):\n    return a - b\n",
            "test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
        }
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "codey", *args], cwd=root, capture_output=True, text=True, env=env, timeout=120)

    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import codey_git; print(codey_git.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
    )
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr  # the wheel, not this checkout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("git codey "), version.stderr
    listed = run("recipes", "list")
    assert listed.returncode == 0, listed.stderr
    for rel in tracked("recipes"):
        assert Path(rel).stem in listed.stdout
    assert run("run", "fix-failing-tests", "--help").returncode == 0
    dry = run("run", "fix-failing-tests", "--dry-run")
    assert dry.returncode == 0 and "1 task(s)" in dry.stdout, dry.stderr
    if shutil.which("man"):
        man = run("--help")  # git: `man git-codey`, found in <venv>/share/man because <venv>/bin is on PATH
        assert man.returncode == 0 and "EXIT STATUS" in man.stdout, man.stderr
