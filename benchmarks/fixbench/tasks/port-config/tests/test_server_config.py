from server_config import bind_address, get_port


def test_port_from_config():
    assert get_port({"port": "9000"}) == 9000


def test_missing_port():
    assert get_port({}) == 8000


def test_null_port():
    assert get_port({"port": None}) == 8000


def test_bind_address():
    assert bind_address({"host": "0.0.0.0", "port": None}) == "0.0.0.0:8000"
