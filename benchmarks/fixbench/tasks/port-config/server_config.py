"""Read the server section of the app config."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def get_port(config):
    """Port from the config mapping; a missing or null port means DEFAULT_PORT."""
    value = config.get("port", DEFAULT_PORT)
    return int(value)


def get_host(config):
    return config.get("host") or DEFAULT_HOST


def bind_address(config):
    return f"{get_host(config)}:{get_port(config)}"
