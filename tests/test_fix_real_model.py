"""The whole fix loop with a real GGUF model (SmolLM2-135M, small enough for CI).

A 135M model rarely fixes anything; what this proves is that a real model's answers, whatever
they are, flow through generation, parsing, the worktree and the pytest gate, and that the
repository ends either with a tested commit or exactly as it was.
"""

import json
import subprocess
import sys

import pytest

from conftest import git
from fixrepo import CALC
from models_helpers import REAL_MODELS_DIR
from test_fix_loop import snapshot

SMOL = REAL_MODELS_DIR / "SmolLM2-135M-Instruct.Q4_1.gguf"

pytestmark = [
    pytest.mark.real_model,
    pytest.mark.skipif(not SMOL.is_file(), reason=f"needs {SMOL}: run `git codey models pull smollm2-135m`"),
]


def test_real_model_fix_lands_tested_commit_or_changes_nothing(make_repo, codey):
    root = make_repo(CALC)
    before = snapshot(root)
    env = {
        "CODEY_CODER": "smollm2-135m",
        "CODEY_MODELS_DIR": str(REAL_MODELS_DIR),
        "CODEY_ATTEMPTS": "2",
        "CODEY_MAX_TOKENS": "96",
        "CODEY_COMMIT_MESSAGES": "template",
        "CODEY_TOKEN_FIXES_FIRST": "false",  # the model's answer first: a one-token change would fix this bug
    }

    out = codey(root, "fix", "bug in calc.py line 2", "--json", env=env, timeout=600)

    assert out.returncode in (0, 1), out.stderr
    result = json.loads(out.stdout)
    assert result["model"] == "smollm2-135m"
    assert result["tokens"]["generated_tokens"] > 0
    assert all(c["load_ms"] >= 0 and c["prompt_tokens"] > 0 for c in result["calls"])
    # the function format's grammar: a one-line note, then exactly one python block, nothing after
    # (a one-line fix, format line_fix, is asked for a line alone; a token_fix asks no model)
    for attempt in (a for a in result["attempts"] if a["format"] not in ("line_fix", "token_fix")):
        assert attempt["answer"].startswith("Bug: "), attempt["answer"]
        assert attempt["answer"].count("```python\n") == 1, attempt["answer"]
        code = attempt["answer"].split("```python\n", 1)[1]
        assert "```" not in code.rstrip("\n").removesuffix("```"), attempt["answer"]
    if result["status"] == "landed":
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root, capture_output=True, text=True
        )
        assert tests.returncode == 0
    else:
        assert result["status"] == "failed"
        assert snapshot(root) == before
    assert len(git(root, "worktree", "list").splitlines()) == 1
