"""`git codey review` from the outside: exit codes, fail_open, formats, --fix."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import git, write_files

ROOT = Path(__file__).resolve().parents[1]
BUGGY = {"calc.py": "def div(a, b):\n    return a / b\n\n\ndef avg(xs):\n    return sum(xs) / len(xs) + 1\n"}
AVG_BUG = json.dumps(
    {
        "findings": [
            {
                "file": "calc.py",
                "line": 6,
                "severity": "high",
                "category": "bug",
                "message": "the average is off by one",
                "suggestion": "return sum(xs) / len(xs)",
            }
        ]
    }
)


@pytest.fixture(autouse=True)
def importable(monkeypatch):
    """The subprocess imports this checkout of codey_git, wherever the test repo is."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))


@pytest.fixture
def staged(make_repo):
    root = make_repo({"calc.py": "def div(a, b):\n    return a / b\n"})
    write_files(root, BUGGY)
    git(root, "add", "calc.py")
    return root


def test_blocking_finding_exits_1_and_names_file_line_and_fix(staged, write_script, codey):
    write_script({"review": [AVG_BUG]})
    result = codey(staged, "review")
    assert result.returncode == 1, result.stderr
    assert "calc.py:6" in result.stdout and "the average is off by one" in result.stdout
    assert "+    return sum(xs) / len(xs)" in result.stdout
    assert "at or above high" in result.stderr


def test_fail_on_threshold_from_flag_and_config(staged, write_script, codey):
    medium = AVG_BUG.replace('"high"', '"medium"')
    write_script({"review": [medium] * 3})
    assert codey(staged, "review").returncode == 0
    assert codey(staged, "review", "--fail-on", "medium", "--no-cache").returncode == 1
    (staged / ".codey.yml").write_text("review:\n  fail_on: medium\n")
    assert codey(staged, "review", "--no-cache").returncode == 1


def test_usage_and_config_errors_exit_2(staged, write_script, codey):
    write_script({"review": [AVG_BUG]})
    bad_range = codey(staged, "review", "--range", "nosuch..HEAD")
    assert bad_range.returncode == 2 and "unknown revision" in bad_range.stderr
    (staged / ".codey.yml").write_text("review:\n  fail_on: sometimes\n")
    bad_config = codey(staged, "review")
    assert bad_config.returncode == 2 and ".codey.yml:2" in bad_config.stderr


def test_missing_model_fails_open_by_default_and_exits_2_without(staged, tmp_path, codey):
    env = {"CODEY_BACKEND": "llama_cpp", "CODEY_MODELS_DIR": str(tmp_path / "no-models")}
    opened = codey(staged, "review", env=env)
    assert opened.returncode == 0 and "review skipped" in opened.stderr
    sarif = json.loads(codey(staged, "review", "--format", "sarif", env=env).stdout)  # still a report
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False
    closed = codey(staged, "review", "--no-fail-open", env=env)
    # a missing model is a usage error (exit 2) everywhere, as for fix and edit
    assert closed.returncode == 2 and "review needs its model" in closed.stderr


def test_unreviewed_hunks_warn_when_open_and_exit_3_when_closed(staged, write_script, codey):
    write_script({})  # the scripted model has no review answers at all
    opened = codey(staged, "review")
    assert opened.returncode == 0 and "not reviewed" in opened.stderr
    assert codey(staged, "review", "--no-fail-open").returncode == 3


def test_json_and_markdown_formats(staged, write_script, codey):
    write_script({"review": [AVG_BUG]})
    data = json.loads(codey(staged, "review", "--format", "json").stdout)
    assert data["blocking"] == 1 and data["findings"][0]["line"] == 6 and data["cached"] == 0
    again = json.loads(codey(staged, "review", "--json").stdout)  # script is used up: this is the cache
    assert again["cached"] == 1 and again["findings"] == data["findings"]
    markdown = codey(staged, "review", "--format", "markdown").stdout
    assert "### `calc.py`" in markdown and "**high** bug, line 6" in markdown and "```diff" in markdown


# The parts of SARIF 2.1.0 that code-scanning tools rely on, written from the specification.
SARIF_SUBSET = yaml.safe_load("""
type: object
required: [version, runs]
properties:
  $schema: {type: string, format: uri}
  version: {const: "2.1.0"}
  runs:
    type: array
    minItems: 1
    items:
      type: object
      required: [tool]
      properties:
        tool:
          type: object
          required: [driver]
          properties:
            driver:
              type: object
              required: [name]
              properties:
                name: {type: string}
                version: {type: string}
                rules:
                  type: array
                  items:
                    type: object
                    required: [id]
                    properties:
                      id: {type: string}
                      shortDescription: {type: object, required: [text], properties: {text: {type: string}}}
        invocations:
          type: array
          items:
            type: object
            required: [executionSuccessful]
            properties:
              executionSuccessful: {type: boolean}
              toolExecutionNotifications:
                type: array
                items: {type: object, required: [message], properties: {message: {type: object, required: [text]}}}
        results:
          type: array
          items:
            type: object
            required: [message]
            properties:
              ruleId: {type: string}
              level: {enum: [none, note, warning, error]}
              message: {type: object, required: [text], properties: {text: {type: string}}}
              locations:
                type: array
                items:
                  type: object
                  properties:
                    physicalLocation:
                      type: object
                      required: [artifactLocation]
                      properties:
                        artifactLocation: {type: object, required: [uri], properties: {uri: {type: string}, uriBaseId: {type: string}}}
                        region:
                          type: object
                          properties: {startLine: {type: integer, minimum: 1}}
              properties: {type: object}
""")


def test_sarif_output_is_valid_sarif_2_1_0(staged, write_script, codey):
    write_script({"review": [AVG_BUG]})
    result = codey(staged, "review", "--format", "sarif")
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, SARIF_SUBSET)
    [res] = sarif["runs"][0]["results"]
    assert res["level"] == "error" and res["ruleId"] == "codey/bug"
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "calc.py"
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    with pytest.raises(jsonschema.ValidationError):  # the check can fail
        jsonschema.validate({**sarif, "version": "2.0.0"}, SARIF_SUBSET)


def test_fix_applies_to_the_working_tree_only(staged, write_script, codey):
    write_script({"review": [AVG_BUG]})
    asked = codey(staged, "review", "--fix")  # no terminal to confirm on: refuses, changes nothing
    assert asked.returncode == 2 and "--yes" in asked.stderr
    assert (staged / "calc.py").read_text() == BUGGY["calc.py"]
    applied = codey(staged, "review", "--fix", "--yes")
    assert applied.returncode == 1  # the staged change still has the finding
    assert "return sum(xs) / len(xs)\n" in (staged / "calc.py").read_text()
    assert git(staged, "show", ":calc.py") + "\n" == BUGGY["calc.py"]  # the index is untouched


def test_fix_refuses_cleanly_when_the_file_changed_since(staged, write_script, codey):
    write_script({"review": [AVG_BUG]})
    write_files(staged, {"calc.py": "def avg(xs):\n    return 0\n"})
    result = codey(staged, "review", "--fix", "--yes")
    assert result.returncode == 2 and "do not apply" in result.stderr
    assert (staged / "calc.py").read_text() == "def avg(xs):\n    return 0\n"


def test_nothing_staged_is_a_clean_exit(make_repo, write_script, codey):
    root = make_repo({"a.py": "x = 1\n"})
    write_script({})
    result = codey(root, "review")
    assert result.returncode == 0 and "nothing to review" in result.stderr


def test_files_limits_the_review_and_is_relative_to_where_you_are(make_repo, write_script, codey):
    root = make_repo({"src/a.py": "a = 1\n", "b.py": "b = 1\n"})
    write_files(root, {"src/a.py": "a = 2\n", "b.py": "b = 2\n"})
    git(root, "add", "-A")
    write_script({"review": ['{"findings": []}']})
    data = json.loads(codey(root / "src", "review", "--files", "a.py", "--json").stdout)
    assert data["units"] == 1 and data["complete"]


def test_capped_model_finding_is_shown_but_does_not_block(staged, write_script, codey):
    write_script({"review": [AVG_BUG]})
    (staged / ".codey.yml").write_text("review:\n  model_max_severity: medium\n")
    result = codey(staged, "review")
    assert result.returncode == 0, result.stderr
    assert "calc.py:6" in result.stdout and "medium" in result.stdout
    assert "shown as medium" in result.stdout and "advisory" in result.stdout
    assert codey(staged, "review", "--fail-on", "medium").returncode == 1  # from the cache, same rating
