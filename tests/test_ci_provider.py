"""What codey reads from each CI's environment and writes back: the provider's base and head,
outputs (multi-line values as heredocs), compare links, and capped, escaped annotations."""

from __future__ import annotations

from codey_git.ci import annotate
from codey_git.ci.provider import CIEnv, detect, web_url_from_remote, write_outputs
from codey_git.review.findings import Finding


def test_github_forgejo_gitea_gitlab_and_no_ci():
    github = detect(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_BASE_REF": "main",
            "GITHUB_HEAD_REF": "feat/x",
            "GITHUB_SHA": "abc",
            "GITHUB_OUTPUT": "/o",
            "GITHUB_STEP_SUMMARY": "/s",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "team/app",
        }
    )
    assert (github.name, github.base_ref, github.head_ref, github.sha) == ("github", "main", "feat/x", "abc")
    assert github.workflow_commands and str(github.output_file) == "/o" and str(github.summary_file) == "/s"
    assert github.compare_url("main", "codey/fix-1") == "https://github.com/team/app/compare/main...codey/fix-1"
    push = detect({"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "", "GITHUB_REF_NAME": "main"})
    assert push.base_ref is None and push.head_ref == "main"  # a push, not a pull request: no base
    forgejo = detect(
        {
            "GITHUB_ACTIONS": "true",
            "FORGEJO_ACTIONS": "true",
            "GITHUB_SERVER_URL": "https://code.example",
            "GITHUB_REPOSITORY": "t/a",
        }
    )
    assert forgejo.name == "forgejo" and forgejo.workflow_commands
    assert forgejo.compare_url("main", "codey/x") == "https://code.example/t/a/compare/main...codey/x"
    assert detect({"GITEA_ACTIONS": "true"}).name == "gitea"
    gitlab = detect(
        {
            "GITLAB_CI": "true",
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": "1234abcd",
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feat",
            "CI_COMMIT_SHA": "beef",
            "CI_PROJECT_URL": "https://gitlab.example/t/a",
            "CODEY_CI_OUTPUT": "x.env",
        }
    )
    assert (gitlab.name, gitlab.base_ref, gitlab.head_ref, gitlab.sha) == ("gitlab", "1234abcd", "feat", "beef")
    assert not gitlab.workflow_commands and str(gitlab.output_file) == "x.env"
    assert gitlab.compare_url("main", "codey/x") == "https://gitlab.example/t/a/-/compare/main...codey/x"
    local = detect({})
    assert local.name == "local" and not local.is_ci and local.output_file is None and local.compare_url("a", "b") is None


def test_outputs_are_appended_and_multi_line_values_use_a_heredoc(tmp_path):
    out = tmp_path / "output"
    out.write_text("earlier=1\n")
    write_outputs(CIEnv("github", output_file=out), {"conclusion": "fixed", "pushed": True, "note": "a\nb"})
    lines = out.read_text().splitlines()
    assert lines[:3] == ["earlier=1", "conclusion=fixed", "pushed=true"]
    assert lines[3].startswith("note<<CODEY_EOF_") and lines[4:6] == ["a", "b"] and lines[6] == lines[3][6:]
    write_outputs(CIEnv("local"), {"x": 1})  # no outputs file: nothing, no error


def test_remote_urls_become_web_pages_without_credentials():
    assert web_url_from_remote("https://x-access-token:secret@github.com/team/app.git") == "https://github.com/team/app"
    assert web_url_from_remote("git@github.com:team/app.git") == "https://github.com/team/app"
    assert web_url_from_remote("ssh://git@code.example:2222/team/app") == "https://code.example/team/app"
    assert web_url_from_remote("/srv/git/app.git") is None


def finding(i: int, severity: str = "high") -> Finding:
    return Finding(f"pkg/m{i % 3}.py", i + 1, severity, "bug", f"problem {i}\nsecond line")


def test_annotations_are_escaped_capped_and_worst_first():
    found = [finding(i, "low") for i in range(40)] + [finding(i) for i in range(40, 70)]
    lines = annotate.annotations(found, "high", True, limit=50)
    assert len(lines) == 51 and all(line.startswith("::error ") for line in lines[:30])
    assert lines[30].startswith("::notice ")
    assert (
        lines[-1] == "::warning title=codey review::20 more finding(s) not annotated (at most 50); the SARIF "
        "file and the summary list all."
    )
    assert "%0Asecond line" in lines[0] and "title=codey review%3A high bug" in lines[0]
    assert annotate.escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    plain = annotate.annotations([finding(1)], "high", False)
    assert plain == ["pkg/m1.py:2: high: bug: problem 1 second line"]


def test_a_push_knows_the_commit_before_it(tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{"before": "' + "ab12" * 10 + '", "after": "' + "cd34" * 10 + '"}')
    github = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(event)}
    assert detect({**github, "GITHUB_EVENT_NAME": "push"}).before == "ab12" * 10
    assert detect({**github, "GITHUB_EVENT_NAME": "pull_request"}).before is None  # its payload has no such field
    event.write_text('{"before": "' + "0" * 40 + '"}')  # a new branch
    assert detect({**github, "GITHUB_EVENT_NAME": "push"}).before is None
    event.write_text("not json")
    assert detect({**github, "GITHUB_EVENT_NAME": "push"}).before is None
    assert detect({"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": "1234abcd" * 5}).before == "1234abcd" * 5
    assert detect({"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": "0" * 40}).before is None
