"""The step's core, directly: one frozen context in, one result out of each attempt, nothing handed in changed."""

import dataclasses

import pytest
from fixrepo import CALC, GOOD_DIFF, WRONG_DIFF

from codey_git.config import load_config
from codey_git.engine.steps import AttemptResult, StepContext, StepRules, StepRunner
from codey_git.engine.task import Step, Task
from codey_git.engine.worktrees import create_worktree, remove_worktree
from codey_git.gitrepo import open_repo
from codey_git.models.scripted import ScriptedProvider
from codey_git.progress import SilentProgress
from codey_git.testrun import run_tests


@pytest.fixture
def step_context(make_repo, write_script):
    """A real repo with a failing test, its scratch worktree and baseline, and a scripted coder."""
    made = []

    def _make(answers, settings=None, **options):
        root = make_repo(CALC, name=f"repo{len(made)}")
        write_script({"edit": answers})
        repo = open_repo(root)
        config = load_config(root, settings)
        wt = create_worktree(repo, repo.head_oid(), "codey/step-context")
        made.append((repo, wt))
        baseline = run_tests(config.test_command, wt.path, float(config.test_timeout))
        task = Task("bug in calc.py line 2")
        return StepContext(
            worktree=wt,
            task=task,
            step=Step(1, task.text),
            coder=ScriptedProvider(config).get("coder"),
            settings=config,
            baseline=baseline,
            progress=SilentProgress(),
            **options,
        )

    yield _make
    for repo, wt in made:
        remove_worktree(repo, wt.name)


def test_step_context_is_frozen(step_context):
    ctx = step_context([])
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.deadline = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        StepRules(allow_tests=False, targets=set(), max_tokens=1).max_tokens = 2  # type: ignore[misc]


def test_an_attempt_returns_what_the_loop_needs_and_changes_nothing_it_was_handed(step_context):
    ctx = step_context([WRONG_DIFF, GOOD_DIFF])
    runner = StepRunner(ctx)
    rules = StepRules(allow_tests=False, targets={"tests/test_calc.py::test_add"}, max_tokens=2048)
    messages = [{"role": "user", "content": "fix calc.py"}]
    before = (list(messages), dataclasses.replace(rules))

    failed = runner._attempt(1, 1, "diff", messages, ["calc.py"], None, rules)

    assert isinstance(failed, AttemptResult)
    assert not failed.passed and failed.record.applied and not failed.record.passed
    assert failed.record.reason and failed.record.reason.startswith("still failing")
    assert failed.changes is not None and "return a * b" in (failed.changes["calc.py"] or "")
    assert failed.feedback and "still failing" in failed.feedback  # for the next attempt
    assert failed.test_run is not None
    assert (ctx.worktree.path / "calc.py").read_text() == ctx.worktree.read("calc.py")
    assert "return a - b" in (ctx.worktree.path / "calc.py").read_text()  # back at HEAD

    passed = runner._attempt(2, 1, "diff", messages, ["calc.py"], None, rules)

    assert passed.passed and passed.record.passed and passed.record.attempt == 2
    assert passed.changes is not None and "return a + b" in (passed.changes["calc.py"] or "")
    assert passed.test_run is not None and not passed.test_run.failed
    assert passed.diff and passed.feedback is None
    assert (list(messages), rules) == before


def test_no_answer_is_an_attempt_with_no_changes_and_no_feedback(step_context):
    ctx = step_context([])
    tried = StepRunner(ctx)._attempt(
        1, 1, "diff", [], ["calc.py"], None, StepRules(allow_tests=False, targets=set(), max_tokens=256)
    )

    assert not tried.passed and tried.changes is None and tried.feedback is None and tried.test_run is None
    assert tried.record.reason == "scripted backend: no edit response left"


def test_the_loop_keeps_the_last_applied_changes_only_when_asked(step_context):
    for keep in (False, True):
        ctx = step_context([WRONG_DIFF] * 2, {"attempts": 2, "candidates": 1, "token_fixes": 0}, keep_failed=keep)
        outcome = StepRunner(ctx).run()
        assert not outcome.passed and outcome.reason and outcome.reason.startswith("still failing")
        assert [(a.attempt, a.candidate, a.passed) for a in outcome.attempts] == [(1, 1, False), (2, 1, False)]
        assert bool(outcome.changes) is keep


def test_an_answer_still_coming_at_the_deadline_is_cut_and_nothing_is_applied(step_context):
    import time

    ctx = step_context([GOOD_DIFF], deadline=time.monotonic() - 1)  # the budget is spent while it writes
    rules = StepRules(allow_tests=False, targets={"tests/test_calc.py::test_add"}, max_tokens=2048)

    tried = StepRunner(ctx)._attempt(1, 1, "diff", [{"role": "user", "content": "fix"}], ["calc.py"], None, rules)

    assert not tried.passed and tried.changes is None and not tried.record.applied
    assert tried.record.reason == "the model ran past its time budget"
    assert "return a - b" in (ctx.worktree.path / "calc.py").read_text()
