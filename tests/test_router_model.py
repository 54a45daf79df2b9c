"""Model routing when rules are unsure: constrained output, defensive parsing, coding fallbacks."""

from __future__ import annotations

import json

import pytest

from codey_git.config import load_config
from codey_git.errors import ModelError
from codey_git.models.backends import make_provider
from codey_git.router.model import LABELS, SCHEMA, parse_label
from codey_git.router.router import Router

UNSURE = "the thing with the parser from yesterday"  # no rule decides this one


def scripted_router(write_script, route_responses):
    write_script({"route": route_responses})
    provider = make_provider(load_config(None))
    warnings: list[str] = []
    return Router(lambda: provider.get("router"), warn=warnings.append), warnings


def test_model_decides_when_rules_are_unsure(write_script):
    router, _ = scripted_router(write_script, ['{"intent": "git log"}'])
    intent = router.route(UNSURE)
    assert (intent.label, intent.source) == ("git log", "model")
    assert intent.params["argv"][:2] == ["git", "log"]


def test_model_label_takes_files_only_from_the_users_words(write_script):
    router, _ = scripted_router(write_script, ['{"intent": "read file", "files": ["/etc/shadow"]}'])
    intent = router.route("let me look at setup.cfg over there")
    assert intent.params == {"action": "read", "files": ["setup.cfg"]}


def test_unknown_intent_from_the_model_goes_to_the_coding_path(write_script):
    router, _ = scripted_router(write_script, ['{"intent": "deploy_to_prod"}'])
    intent = router.route(UNSURE)
    assert (intent.name, intent.source) == ("edit", "fallback")


def test_invalid_model_output_goes_to_the_coding_path(write_script):
    router, _ = scripted_router(write_script, ["I think you want to rm -rf things"])
    assert router.route(UNSURE).name == "edit"


def test_tool_label_the_registry_cannot_build_goes_to_the_coding_path(write_script):
    router, _ = scripted_router(write_script, ['{"intent": "git blame"}'])  # no file named
    intent = router.route(UNSURE)
    assert not intent.is_tool and intent.name == "edit"


def test_no_response_from_the_model_goes_to_the_coding_path(write_script):
    router, warnings = scripted_router(write_script, [])
    intent = router.route(UNSURE)
    assert (intent.name, intent.source) == ("edit", "fallback")
    assert warnings and "coding request" in warnings[0]


def test_a_model_that_cannot_load_leaves_rules_and_the_coding_path_working():
    def missing():
        raise ModelError("model smollm2-135m is not downloaded")

    warnings: list[str] = []
    router = Router(missing, warn=warnings.append)
    assert router.route("git status").label == "git status"
    assert router.route(UNSURE).name == "edit"
    assert "not downloaded" in warnings[0]


def test_rule_routed_requests_never_load_the_model():
    def explode():
        raise AssertionError("the model was loaded")

    router = Router(explode)
    for text in ("git status", "fix the crash in a.py", "list files", "review my changes"):
        router.route(text)


class RecordingModel:
    name, identity, context_size = "recording", "recording", 2048

    def __init__(self, answer: str):
        self.answer, self.calls = answer, []

    def count_tokens(self, text):
        return len(text) // 4

    def chat(self, messages, **kwargs):
        from codey_git.models.base import CallStats, Completion

        self.calls.append((messages, kwargs))
        return Completion(self.answer, CallStats(model=self.name, purpose=kwargs["purpose"]))


def test_model_output_is_constrained_to_the_known_labels():
    model = RecordingModel('{"intent": "explain"}')
    assert Router(lambda: model).route(UNSURE).name == "explain"
    messages, kwargs = model.calls[0]
    assert kwargs["purpose"] == "route" and kwargs["temperature"] == 0.0
    assert kwargs["json_schema"] == SCHEMA
    assert SCHEMA["properties"]["intent"]["enum"] == list(LABELS)
    assert messages[-1]["content"] == UNSURE


@pytest.mark.parametrize(
    "output, label",
    [
        ('{"intent": "test"}', "test"),
        ('{"intent": " Git  Status "}', "git status"),
        ('noise {"intent": "plan", "files": [', "plan"),
        ('"review"', "review"),
        ('{"intent": 3}', None),
        ("", None),
        (json.dumps({"intent": "shell"}), None),  # shell commands only ever come from the user's own words
    ],
)
def test_parse_label_is_defensive(output, label):
    assert parse_label(output) == label
