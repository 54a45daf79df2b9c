"""Localization with the symbol index: a request that names no file, whose failing test shows no
frame of the project's code and runs it where the line tracer cannot see (a subprocess), still
puts the right function in front of the model."""

from __future__ import annotations

import json

from conftest import git

from codey_git.engine import context as ctx
from codey_git.engine import definitions
from codey_git.engine import suspects as sfl
from codey_git.symbols import index as symbol_index
from codey_git.symbols import search
from codey_git.testrun import run_tests


def _filler(module: str, n: int) -> str:
    return "".join(
        f'\n\ndef {module}_step_{i}(values, scale={i}):\n    """Scale the values of a {module} batch."""\n'
        f"    out = []\n    for v in values:\n        out.append(v * scale + {i})\n    return out\n"
        for i in range(n)
    )


SLUG = '''def slugify(title):
    """The URL slug of a title: lowercase words joined by dashes."""
    words = title.lower().split()
    return "_".join(words)
'''
REPO = {
    "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
    "src/textkit/__init__.py": "",
    "src/textkit/slug.py": SLUG,
    "src/textkit/wrap.py": "def wrap(text, width):\n    return [text[i : i + width] for i in range(0, len(text), width)]\n"
    + _filler("wrap", 40),
    "src/textkit/stats.py": "def word_count(text):\n    return len(text.split())\n" + _filler("stats", 40),
    "src/textkit/cli.py": (
        "import sys\n\nfrom textkit.slug import slugify\nfrom textkit.stats import word_count\nfrom textkit.wrap import wrap\n\n\n"
        "def main(argv):\n    command, text = argv[0], argv[1]\n    if command == 'slug':\n        print(slugify(text))\n"
        "    elif command == 'count':\n        print(word_count(text))\n    else:\n        print('\\n'.join(wrap(text, 10)))\n\n\n"
        "if __name__ == '__main__':\n    main(sys.argv[1:])\n"
    ),
    "tests/test_cli.py": (
        "import os\nimport subprocess\nimport sys\n\n\n"
        "def run(*args):\n    env = dict(os.environ, PYTHONPATH='src')\n"
        "    return subprocess.run([sys.executable, '-m', 'textkit.cli', *args], capture_output=True, text=True, env=env).stdout\n\n\n"
        "def test_count():\n    assert run('count', 'a b c') == '3\\n'\n\n\n"
        "def test_slug():\n    assert run('slug', 'Hello Big World') == 'hello-big-world\\n'\n"
    ),
}
REQUEST = "the URL slug of 'Hello Big World' comes out as hello_big_world: its words should be joined by dashes"
FIX = '```python\ndef slugify(title):\n    words = title.lower().split()\n    return "-".join(words)\n```\n'


def test_symptom_request_puts_the_function_it_describes_in_focus(make_repo):
    root = make_repo(REPO)
    baseline = run_tests("python -m pytest -q", root, 120)
    assert set(baseline.failed) == {"tests/test_cli.py::test_slug"}

    focus = ctx.localize(baseline, root, ctx.parse_request(REQUEST, root))

    assert focus.files[0] == "src/textkit/slug.py"
    assert definitions.enclosing(SLUG, focus.lines["src/textkit/slug.py"][0])[0] == "slugify"
    assert git(root, "status", "--porcelain") == ""


def test_fix_lands_when_only_the_request_says_where_the_bug_is(make_repo, write_script, codey):
    root = make_repo(REPO)
    # answered only when the prompt shows slugify
    write_script({"edit": [{"when": "def slugify(title):", "text": FIX}]})

    out = codey(root, "fix", REQUEST, "--json")

    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "landed"
    assert '"-".join' in (root / "src/textkit/slug.py").read_text()
    assert (root / ".git" / "codey" / "symbols.sqlite3").is_file()
    assert git(root, "status", "--porcelain") == ""
    # the waits before the first answer are named: the index build (first run), the coverage run
    assert "indexing the symbols of" in out.stderr
    assert "locating the bug" in out.stderr


def test_index_score_orders_suspect_lines_of_equal_evidence(make_repo):
    root = make_repo(REPO)
    index = symbol_index.build(root)
    hits = search.rank(index, REQUEST, keep=lambda p: not p.startswith("tests/"))
    wrap_line, slug_line = 2, 4
    tied = [sfl.Suspect("src/textkit/wrap.py", wrap_line, 1.0, 1, 0), sfl.Suspect("src/textkit/slug.py", slug_line, 1.0, 1, 0)]
    apart = [sfl.Suspect("src/textkit/wrap.py", wrap_line, 1.0, 1, 0), sfl.Suspect("src/textkit/slug.py", slug_line, 0.5, 1, 3)]

    assert [s.path for s in ctx.by_index_within_ties(tied, hits)] == ["src/textkit/slug.py", "src/textkit/wrap.py"]
    assert ctx.by_index_within_ties(apart, hits) == apart  # evidence first: the index only breaks ties


def test_an_index_sqlite_cannot_make_leaves_the_fix_to_the_other_evidence(make_repo, monkeypatch):
    # an interpreter whose SQLite lacks FTS5 ("no such module: fts5"), or a database another
    # process holds locked: localization goes on without the index, never a traceback
    import sqlite3

    from codey_git.symbols import store

    def broken(path):
        raise sqlite3.OperationalError("no such module: fts5")

    monkeypatch.setattr(store, "connect", broken)
    root = make_repo(REPO)
    baseline = run_tests("python -m pytest -q", root, 120)

    focus = ctx.localize(baseline, root, ctx.parse_request(REQUEST + " in src/textkit/slug.py", root))

    assert focus.files[0] == "src/textkit/slug.py"
