from settings_store import DEFAULTS, load_settings, save_settings


def test_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    save_settings(path, {"volume": 9})
    assert load_settings(path) == {"volume": 9, "muted": False}


def test_missing_file_gives_defaults(tmp_path):
    assert load_settings(tmp_path / "nope.json") == DEFAULTS


def test_defaults_are_not_shared(tmp_path):
    settings = load_settings(tmp_path / "nope.json")
    settings["volume"] = 0
    assert DEFAULTS["volume"] == 5
