"""Rules first, the router model when rules are unsure, the coding path when nothing knows.

The router model scores every label in one forward pass where the backend can (``scoring.py``) and
abstains when unsure; other backends generate a label constrained by a JSON schema (``model.py``).

``Router.route`` never raises for a request it cannot place and never returns an intent the tool
registry cannot run: anything unknown becomes fix (when the text talks about a failure) or edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from codey_git.errors import CodeyError
from codey_git.router.intent import CODING_INTENTS, Intent, coding_fallback
from codey_git.router.params import extract_params
from codey_git.router.rules import route_by_rules
from codey_git.router.tools import command_for

if TYPE_CHECKING:
    from codey_git.router.scoring import LabelScorer


class Router:
    """Routes free text. ``load_model`` is called at most once, the first time rules are unsure."""

    def __init__(self, load_model: Callable[[], object] | None = None, warn: Callable[[str], None] | None = None):
        self._load_model = load_model
        self._model: Any = None  # a codey_git.models Model, once loaded
        self._model_failed = False
        self._scorer: LabelScorer | None = None
        self._warn = warn or (lambda message: None)

    def route(self, text: str) -> Intent:
        intent = route_by_rules(text)
        if intent is None:
            intent = self._ask_model(text)
        return self._known(intent, text)

    def _ask_model(self, text: str) -> Intent:
        model = self._model_or_none()
        if model is None:
            return coding_fallback(text, extract_params(text))
        from codey_git.router.model import route_by_model
        from codey_git.router.scoring import LabelScorer, can_score, route_by_scores

        try:
            if can_score(model):  # one forward pass scores every label (llama_cpp)
                if self._scorer is None:
                    self._scorer = LabelScorer(model)
                return route_by_scores(self._scorer, text)
            return route_by_model(model, text)  # schema-constrained generation (other backends)
        except CodeyError as exc:  # NoResponse, a model that fails to run: the coding path
            self._warn(f"router model gave no route ({exc}); treating this as a coding request")
            return coding_fallback(text, extract_params(text))

    def _model_or_none(self) -> Any:
        if self._model is None and self._load_model is not None and not self._model_failed:
            try:
                self._model = self._load_model()
            except (CodeyError, ImportError) as exc:  # no model file or backend: rules and coding still work
                self._model_failed = True
                self._warn(f"router model unavailable ({exc}); treating this as a coding request")
        return self._model

    @staticmethod
    def _known(intent: Intent, text: str) -> Intent:
        if intent.name in CODING_INTENTS:
            return intent
        if intent.is_tool and command_for(intent) is not None:
            return intent
        return coding_fallback(text, extract_params(text))
