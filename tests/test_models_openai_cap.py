"""A misbehaving OpenAI-compatible server cannot make codey hold or print an unbounded answer: the
stream is read up to a cap tied to max_tokens, the connection is closed, and the error says so in
a few lines."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from codey_git.config import load_config
from codey_git.errors import ModelError
from codey_git.models.base import NoResponse
from codey_git.models.openai_compat import OpenAIProvider

HUGE = 50 * 1024 * 1024  # what the server would send if nobody stopped reading


class Flood(BaseHTTPRequestHandler):
    mode = "content"
    sent = 0
    done = threading.Event()

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, OSError):
            return False
        type(self).sent += len(data)
        return True

    def do_POST(self):  # noqa: N802 - http.server naming
        self.rfile.read(int(self.headers["Content-Length"]))
        try:
            if self.mode == "error":
                self.send_response(500)
                self.send_header("Content-Length", str(HUGE))
                self.end_headers()
                chunk = b"E" * 65536
                while type(self).sent < HUGE and self._write(chunk):
                    pass
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            if self.mode == "one line":  # no newline ever: a line reader would hold it all
                chunk = b"data: " + b"x" * 65536
                while type(self).sent < HUGE and self._write(chunk):
                    pass
                return
            if self.mode == "fat events":  # events with no content but a huge other field
                event = {"choices": [{"delta": {}, "finish_reason": None}], "junk": "j" * 60000}
                data = f"data: {json.dumps(event)}\n\n".encode()
            else:
                event = {"choices": [{"delta": {"content": "word " * 200}, "finish_reason": None}]}
                data = f"data: {json.dumps(event)}\n\n".encode()
            while type(self).sent < HUGE and self._write(data):
                pass
        finally:
            type(self).done.set()

    def log_message(self, *args):
        pass


@pytest.fixture
def flood(monkeypatch):
    Flood.sent = 0
    Flood.done = threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Flood)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CODEY_BACKEND", "openai")
    monkeypatch.setenv("CODEY_OPENAI_BASE_URL", f"http://127.0.0.1:{httpd.server_address[1]}/v1")
    yield Flood
    httpd.shutdown()


@pytest.mark.parametrize("mode", ["content", "one line", "fat events"])
def test_a_flooding_stream_is_cut_off_and_refused(mode, flood):
    flood.mode = mode
    seen: list[str] = []
    start = time.monotonic()
    with pytest.raises(NoResponse) as err:
        OpenAIProvider(load_config(None)).get("coder").chat(
            [{"role": "user", "content": "hi"}], purpose="edit", max_tokens=64, on_token=seen.append
        )
    assert time.monotonic() - start < 20
    message = str(err.value)
    assert len(message) < 500 and "stopped reading" in message, message
    assert sum(map(len, seen)) <= 64 * 32 + 2000  # what reached the screen is bounded too
    assert flood.done.wait(10)
    assert flood.sent < HUGE // 2, flood.sent  # closed, not drained (kernel buffers hold a few MB)


def test_an_error_answer_with_a_huge_body_is_shown_short(flood):
    flood.mode = "error"
    start = time.monotonic()
    with pytest.raises(ModelError) as err:
        OpenAIProvider(load_config(None)).get("coder").chat([{"role": "user", "content": "hi"}], purpose="edit")
    assert time.monotonic() - start < 20
    assert "HTTP 500" in str(err.value) and len(str(err.value)) < 600
    assert flood.done.wait(10)
    assert flood.sent < HUGE // 2, flood.sent


def test_a_normal_long_answer_within_max_tokens_is_kept(flood, monkeypatch):
    """The cap is generous: 400 tokens' worth of ordinary text at max_tokens 512 goes through."""

    class Polite(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for _ in range(400):
                event = {"choices": [{"delta": {"content": "tok "}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.write(b'data: {"choices": [{"delta": {}, "finish_reason": "stop"}]}\n\ndata: [DONE]\n\n')

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Polite)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("CODEY_OPENAI_BASE_URL", f"http://127.0.0.1:{httpd.server_address[1]}/v1")
    try:
        result = (
            OpenAIProvider(load_config(None))
            .get("coder")
            .chat([{"role": "user", "content": "hi"}], purpose="edit", max_tokens=512)
        )
    finally:
        httpd.shutdown()
    assert result.text == "tok " * 400


@pytest.mark.usefixtures("model_answers_only")
def test_through_the_cli_the_flood_never_reaches_the_terminal(flood, make_repo, codey):
    flood.mode = "content"
    root = make_repo(
        {
            "calc.py": "def add(a, b):\n    return a - b\n",
            "tests/test_calc.py": "from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
        }
    )
    result = codey(root, "fix", "add in calc.py subtracts", "--yes", timeout=120)
    assert isinstance(result.returncode, int) and result.returncode != 3, result.stderr[-2000:]
    assert len(result.stdout) + len(result.stderr) < 200_000, (len(result.stdout), len(result.stderr))
    assert "Traceback" not in result.stderr
    assert "stopped reading" in result.stdout + result.stderr
