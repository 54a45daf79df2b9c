"""A generated task's goal, checked again on what the task committed.

A generator that finds work from a check (unused imports, missing docstrings, failing tests...)
puts the check's name and its target into the task's ``options["goal"]``: ``{"check", "path",
"names"}``, with ``names`` what the check found (imports, functions, comments, tests). After the
task's tests pass and it commits, the same check runs on the committed tree for that target alone;
whatever of ``names`` it still finds is what is left. A task without a goal (an explicit task,
an improvement idea) is judged by its tests only, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from codey_git.recipes import gen_ast, gen_comments, gen_tests, gen_unused
from codey_git.recipes.generators import GenContext
from codey_git.recipes.planned import PlannedTask

Left = list[tuple[str, int | None]]  # (name, line or None) of what the check still finds

# check name -> (the check for one target, how what is left is said)
CHECKS: dict[str, tuple[Callable[..., Left], str]] = {
    "unused-imports": (gen_unused.check_unused_imports, "still unused"),
    "unused-functions": (gen_unused.check_unused_functions, "still unused"),
    "missing-docstrings": (gen_ast.check_functions, "still without a docstring"),
    "missing-type-hints": (gen_ast.check_functions, "still without full type hints"),
    "large-modules": (gen_ast.check_large_module, "still too long"),
    "todo-comments": (gen_comments.check_todo, "the comment is still there"),
    "failing-tests": (gen_tests.check_failing, "still failing"),
}


@dataclass
class GoalCheck:
    goal: dict[str, Any]
    left: Left
    error: str | None = None  # the check itself could not run: the goal counts as not reached

    @property
    def reached(self) -> bool:
        return not self.left and self.error is None

    @property
    def progress(self) -> bool:
        """Some of the goal was reached (a name the task started with is no longer found)."""
        still = {name for name, _ in self.left}
        return self.error is None and any(name not in still for name in self.goal.get("names", []))

    def describe(self) -> str:
        """What is left, in one line: ``still unused: os, sys at lines 1, 2``."""
        if self.error is not None:
            return f"the check could not run ({self.error})"
        return describe(self.goal, self.left)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.goal["check"],
            "path": self.goal.get("path"),
            "reached": self.reached,
            "left": [{"name": name, "line": line} for name, line in self.left],
            "left_text": None if self.reached else self.describe(),
        }


def goal_of(planned: PlannedTask) -> dict[str, Any] | None:
    """The task's re-checkable goal, or None (explicit tasks, improve tasks, an unknown check)."""
    options: object = planned.options  # read back from tasks.json as written: checked, not trusted
    goal = options.get("goal") if isinstance(options, dict) else None
    return goal if isinstance(goal, dict) and goal.get("check") in CHECKS else None


def check_goal(ctx: GenContext, goal: dict[str, Any]) -> GoalCheck:
    """Run the goal's check on ``ctx.base`` (the task's committed tip)."""
    function, _label = CHECKS[goal["check"]]
    return GoalCheck(goal, function(ctx, goal))


def describe(goal: dict[str, Any], left: Left) -> str:
    label = CHECKS[goal["check"]][1]
    names = ", ".join(name for name, _ in left)
    lines = [str(line) for _, line in left if line is not None]
    if goal["check"] == "large-modules":
        return f"{label}: {names} (over {goal.get('max_lines')} lines)"
    if len(lines) != len(left) or not lines:
        return f"{label}: {names}"
    return f"{label}: {names} at line{'s' if len(lines) > 1 else ''} {', '.join(lines)}"


def retry_text(text: str, check: GoalCheck) -> str:
    """The task again, for the next try on top of the partial commit, saying what is left."""
    # the feedback sits in brackets: "line 1. Do" would read as a numbered step to the planner
    return (
        f"{text}\n\nNot finished yet: an earlier try was committed, but the check of this task still finds "
        f"work ({check.describe()}). Do what is left; what is already done stays as it is."
    )
