"""The OpenAI-compatible backend against a tiny local server."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from codey_git.config import load_config
from codey_git.errors import ModelError
from codey_git.models.openai_compat import OpenAIProvider
from codey_git.models.stats_file import read_recent


class ChatServer(BaseHTTPRequestHandler):
    requests: list[dict] = []
    reply_pieces = ["Hel", "lo", " world"]

    def do_POST(self):  # noqa: N802 - http.server naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.headers.get("Authorization") == "Bearer wrong":
            self.send_response(401)
            self.end_headers()
            self.wfile.write(b'{"error": "bad key"}')
            return
        pieces = self.reply_pieces
        if body.get("response_format", {}).get("type") == "json_schema":
            pieces = ['{"ok": ', "true}"]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in pieces:
            event = {"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        final = {
            "choices": [{"delta": {}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 12, "completion_tokens": len(pieces)},
        }
        self.wfile.write(f"data: {json.dumps(final)}\n\ndata: [DONE]\n\n".encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    ChatServer.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ChatServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CODEY_BACKEND", "openai")
    monkeypatch.setenv("CODEY_OPENAI_BASE_URL", f"http://127.0.0.1:{httpd.server_address[1]}/v1")
    yield ChatServer
    httpd.shutdown()


def test_streams_tokens_and_records_usage(server, monkeypatch):
    monkeypatch.setenv("MY_KEY", "secret")
    monkeypatch.setenv("CODEY_OPENAI_API_KEY_ENV", "MY_KEY")
    provider = OpenAIProvider(load_config(None))
    seen: list[str] = []
    result = provider.get("coder").chat(
        [{"role": "user", "content": "hi"}], purpose="edit", max_tokens=20, seed=7, stop=["\n\n"], on_token=seen.append
    )
    assert result.text == "Hello world" and seen == ["Hel", "lo", " world"]
    assert result.stats.prompt_tokens == 12 and result.stats.generated_tokens == 3
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer secret"
    assert sent["body"]["model"] == "qwen2.5-coder-1.5b" and sent["body"]["stream"] is True
    assert sent["body"]["seed"] == 7 and sent["body"]["stop"] == ["\n\n"]
    assert read_recent()[-1]["backend"] == "openai"


def test_json_schema_goes_out_as_response_format(server, monkeypatch):
    monkeypatch.setenv("CODEY_OPENAI_MODEL", "served-model")
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    result = (
        OpenAIProvider(load_config(None))
        .get("router")
        .chat([{"role": "user", "content": "ok?"}], purpose="route", json_schema=schema)
    )
    assert json.loads(result.text) == {"ok": True}
    body = server.requests[0]["body"]
    assert body["model"] == "served-model"
    assert body["response_format"]["json_schema"]["schema"] == schema


def test_rejected_key_names_the_variable(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "wrong")
    with pytest.raises(ModelError, match="HTTP 401") as info:
        OpenAIProvider(load_config(None)).get("coder").chat([{"role": "user", "content": "x"}], purpose="edit")
    assert "OPENAI_API_KEY" in info.value.hint


def test_unreachable_server_is_a_clear_error(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    monkeypatch.setenv("CODEY_OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    with pytest.raises(ModelError, match="cannot reach") as info:
        OpenAIProvider(load_config(None)).get("coder").chat([{"role": "user", "content": "x"}], purpose="edit")
    assert info.value.exit_code == 2 and "openai.base_url" in info.value.hint
