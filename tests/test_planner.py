from codey_git.engine.planner import plan
from codey_git.engine.task import Task


def texts(request):
    return [s.text for s in plan(Task(request))]


def test_plain_fix_is_one_step():
    assert texts("bug in main.py line 42") == ["bug in main.py line 42"]
    assert plan(Task("bug in main.py line 42"))[0].files == ["main.py"]


def test_then_splits_and_files_follow_each_step():
    steps = plan(Task("create utils.py then create main.py that imports it"))
    assert [(s.text, s.files) for s in steps] == [
        ("create utils.py", ["utils.py"]),
        ("create main.py that imports it", ["main.py"]),
    ]


def test_numbered_and_first_then():
    assert texts("1. add foo to a.py 2. add bar to b.py") == ["add foo to a.py", "add bar to b.py"]
    assert texts("first, add a helper in a.py, then use it in b.py") == ["add a helper in a.py", "use it in b.py"]


def test_bullets():
    assert texts("- rename x in a.py\n- update docs in b.md") == ["rename x in a.py", "update docs in b.md"]


def test_then_inside_a_clause_is_not_a_sequence():
    assert texts("return 0 if empty then stop") == ["return 0 if empty then stop"]


def test_then_that_completes_a_condition_or_a_description_is_one_request():
    assert texts("fix the bug where if the list is empty then the function crashes") == [
        "fix the bug where if the list is empty then the function crashes"
    ]
    assert texts("when parse.py gets None then it raises TypeError; make it return 0") == [
        "when parse.py gets None then it raises TypeError; make it return 0"
    ]
    assert texts("calling load() twice then save() loses the second change in store.py") == [
        "calling load() twice then save() loses the second change in store.py"
    ]


def test_sequences_after_a_condition_still_split():
    assert texts("add a guard for empty input in a.py then update the docs in README.md") == [
        "add a guard for empty input in a.py",
        "update the docs in README.md",
    ]
    assert texts("rename load to read in io.py, then add a test for it") == ["rename load to read in io.py", "add a test for it"]
