"""Persist user settings as JSON."""

import json
from pathlib import Path

DEFAULTS = {"volume": 5, "muted": False}


def load_settings(path):
    """Settings from a JSON file on top of DEFAULTS; a missing file gives DEFAULTS."""
    try:
        text = Path(path).read_text()
    except PermissionError:
        return dict(DEFAULTS)
    return {**DEFAULTS, **json.loads(text)}


def save_settings(path, settings):
    Path(path).write_text(json.dumps(settings, sort_keys=True))
