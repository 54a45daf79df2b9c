"""`git codey run` from the outside: dry runs, bounds and clear refusals."""

from conftest import git

CODE = {
    "util.py": "# TODO: cache this\ndef load(path):\n    return open(path).read()\n\n\n"
    "def save(path, text):\n    # FIXME: not atomic\n    open(path, 'w').write(text)\n",
    "tests/test_util.py": "def test_nothing():\n    assert True\n",
}


def test_dry_run_lists_expanded_tasks_and_runs_nothing(make_repo, codey):
    root = make_repo(CODE)
    (root / ".codey" / "recipes").mkdir(parents=True)
    (root / ".codey" / "recipes" / "nightly.yml").write_text(
        "name: nightly\ntasks:\n  - fix: \"bug in util.py line 3\"\n    files: [util.py]\n"
        "  - generate: todo-comments\n  - generate: missing-docstrings\n"
    )
    out = codey(root, "run", "nightly", "--dry-run")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "  1. [medium] fix: bug in util.py line 3  [util.py]"
    assert "util.py line 1: cache this" in lines[1] and "[high]" in lines[2] and "not atomic" in lines[2]
    assert "load (line 2), save (line 6)" in lines[3]
    assert lines[-1] == "4 task(s); nothing was run (--dry-run)."
    assert not (root / ".git" / "codey" / "runs").exists()
    assert git(root, "branch", "--list") == "* main"
    bounded = codey(root, "run", "nightly", "--dry-run", "--max-tasks", "2")
    assert bounded.stdout.splitlines()[-1] == "2 task(s); nothing was run (--dry-run)."


def test_clear_refusals(make_repo, codey):
    root = make_repo(CODE)
    missing = codey(root, "run", "nope")
    assert missing.returncode == 2 and "no recipe named 'nope'" in missing.stderr and "improve" in missing.stderr
    nothing = codey(root, "run", "--resume")
    assert nothing.returncode == 2 and "no unfinished run to resume" in nothing.stderr
    (root / "r.yml").write_text("name: n\ntasks:\n  - edit: a\n")
    late = codey(root, "run", "r.yml", "--until", "25:00")
    assert late.returncode == 2 and "--until expects a time of day" in late.stderr
    assert not (root / ".git" / "codey" / "runs").exists()
