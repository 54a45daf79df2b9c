"""Security checks (see ``patterns``): the classics of bandit. Code or data run from text, shell
commands and SQL built from values, certificate checks turned off, hard-coded secrets, ``random``
for secrets, passwords kept with a fast hash, HTTP calls that can wait forever."""

from __future__ import annotations

import ast
import re
from typing import Iterator

from codey_git.review.checks_ast import (
    Module,
    Result,
    built_string,
    call_of,
    constant,
    dotted,
    keyword,
    known_value,
    method,
    span,
    targets,
)

_SECRET_NAME = re.compile(r"(passw(or)?d|passwd|secret|api_?key|access_?key|private_?key|auth_?token)$", re.I)
_SECRETISH = re.compile(r"(token|secret|passw|salt|nonce|api_?key|session_?id|reset_?code)|(^|_)otp(_|$)", re.I)
_RANDOM_FUNCS = {"random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "shuffle"}
_SHELL_CALLS = {("os", "system"), ("os", "popen"), ("subprocess", "getoutput"), ("subprocess", "getstatusoutput")}
_SUBPROCESS = {"run", "call", "check_call", "check_output", "Popen"}


def check_code_from_text(m: Module) -> Iterator[Result]:
    for call in m.calls():
        name = dotted(call.func)
        first = call.args[0] if call.args else None
        if name in ("eval", "exec") and first is not None and not constant(first):
            message = (
                f"{name}() runs text as code: whoever controls the text runs anything; parse the value "
                f"instead (ast.literal_eval, json)"
            )
            yield span(call, first), "high", "security", message
        elif name in ("pickle.loads", "pickle.load", "cPickle.loads", "marshal.loads", "dill.loads"):
            # medium: harmless for data the program wrote itself, which the check cannot tell
            message = f"{name}() can run code hidden in the data; never unpickle input you did not write (use json)"
            yield [call.lineno], "medium", "security", message
        elif name in ("yaml.load", "yaml.load_all"):
            loader = dotted(keyword(call, "Loader") or (call.args[1] if len(call.args) > 1 else ast.Constant(None)))
            if not loader.endswith(("SafeLoader", "CSafeLoader", "BaseLoader")):
                message = f"{name}() without SafeLoader can build arbitrary objects from the document; use yaml.safe_load"
                yield [call.lineno], "high", "security", message
        elif name == "yaml.unsafe_load":
            message = "yaml.unsafe_load() can build arbitrary objects from the document; use yaml.safe_load"
            yield [call.lineno], "high", "security", message


def check_command_or_query_from_values(m: Module) -> Iterator[Result]:
    for call in m.calls():
        name = dotted(call.func)
        first = call.args[0] if call.args else keyword(call, "args")
        if first is None or constant(first):
            continue
        parts = tuple(name.rsplit(".", 1)) if "." in name else ("", name)
        shell = keyword(call, "shell")
        if parts in _SHELL_CALLS or (
            parts[0] == "subprocess" and parts[1] in _SUBPROCESS and isinstance(shell, ast.Constant) and shell.value is True
        ):
            message = (
                f"{name}() runs a shell command built from values: a quote or ; in them runs other "
                f"commands; pass an argument list without shell=True"
            )
            yield span(call, first), "high", "security", message
        elif method(call) in ("execute", "executemany", "executescript"):
            held = known_value(m, first) if isinstance(first, ast.Name) else None
            built = first if built_string(first) else held if held is not None and built_string(held) else None
            if built is None:
                continue
            message = "SQL built by formatting values into the string is open to injection; pass the values as query parameters"
            # each line of the string: Python 3.11 gives the values of implicitly joined f-strings the
            # first line of the whole string, so the first line of it that a diff touches is reported
            yield span(built) + span(call, first), "high", "security", message


def check_certificates_off(m: Module) -> Iterator[Result]:
    for call in m.calls():
        verify = keyword(call, "verify")
        if isinstance(verify, ast.Constant) and verify.value is False:
            message = "verify=False turns off certificate checks: anyone on the network can read and change this traffic"
            yield span(call, verify), "high", "security", message
        if dotted(call.func).endswith("_create_unverified_context"):
            message = "an unverified SSL context accepts any certificate; use ssl.create_default_context()"
            yield [call.lineno], "high", "security", message
    for node in m.of(ast.Assign):
        hostname = any(isinstance(t, ast.Attribute) and t.attr == "check_hostname" for t in node.targets)
        if hostname and isinstance(node.value, ast.Constant) and node.value.value is False:
            yield [node.lineno], "high", "security", "check_hostname = False accepts a certificate for any host"


def _looks_secret(value: ast.AST | None) -> bool:
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return False
    text = value.value
    placeholder = re.search(r"\s|\{|\$|<|^(x+|\*+|changeme|example.*|dummy.*|test.*)$", text, re.I)
    return len(text) >= 8 and not placeholder and not re.fullmatch(r"[A-Z0-9_]+", text)  # not an env var's name


def check_hard_coded_secret(m: Module) -> Iterator[Result]:
    for node in ast.walk(m.tree):
        pairs = []
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            pairs = [(dotted(t).rsplit(".", 1)[-1], node.value) for t in targets(node)]
        elif isinstance(node, ast.Call):
            pairs = [(k.arg or "", k.value) for k in node.keywords]
        elif isinstance(node, ast.Dict):
            pairs = [
                (k.value, v) for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
        for name, value in pairs:
            if _SECRET_NAME.search(name) and value is not None and _looks_secret(value):
                message = (
                    f"a hard-coded {name} is readable by everyone with the code; read it from the environment or a secret store"
                )
                yield [value.lineno], "high", "security", message


def check_random_for_secrets(m: Module) -> Iterator[Result]:
    for call in m.calls():
        name = dotted(call.func)
        if not (name.startswith("random.") and name.split(".", 1)[1] in _RANDOM_FUNCS):
            continue
        owner = m.function_of(call)
        where = getattr(owner, "name", "")
        target = m.statement_of(call)
        assigned = " ".join(dotted(t) for t in getattr(target, "targets", []))
        if _SECRETISH.search(where) or _SECRETISH.search(assigned):
            message = f"{name}() is predictable; use the secrets module for tokens, passwords and keys"
            yield [call.lineno], "high", "security", message


_PASSWORDISH = re.compile(r"passw|pwd|passphrase", re.I)
_FAST_HASHES = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s", "new"}


def check_fast_password_hash(m: Module) -> Iterator[Result]:
    for call in m.calls():
        name = dotted(call.func)
        if not (name.startswith("hashlib.") and name.split(".", 1)[1] in _FAST_HASHES):
            continue
        data = call.args[1:] if name == "hashlib.new" else call.args
        hashed = " ".join(ast.unparse(a) for a in data)
        stmt = m.statement_of(call)
        targets = " ".join(ast.unparse(t) for t in getattr(stmt, "targets", []))
        if _PASSWORDISH.search(hashed) or (_PASSWORDISH.search(targets) and data):
            message = (
                f"{name}() is a fast hash: a leaked table of password hashes is cracked in hours; use "
                f"hashlib.scrypt or pbkdf2_hmac with a random salt (or bcrypt/argon2)"
            )
            yield [call.lineno], "high", "security", message


_HTTP_CALLS = {f"requests.{verb}" for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")}


def check_request_without_timeout(m: Module) -> Iterator[Result]:
    for call in m.calls():
        if (
            call_of(call, *_HTTP_CALLS) and keyword(call, "timeout") is None and not any(k.arg is None for k in call.keywords)
        ):  # **kwargs may carry one
            message = (
                f"{dotted(call.func)}() without timeout= waits forever for a server that stops answering, "
                f"and the program hangs with it; pass timeout="
            )
            yield [call.lineno], "medium", "error handling", message


_RESOLVERS = ("os.path.realpath", "os.path.abspath", "os.path.normpath", "realpath", "abspath", "normpath")


def _resolved_path(m: Module, node: ast.AST | None, depth: int = 0) -> bool:
    """A path made absolute or resolved (os.path.realpath/abspath/normpath, Path.resolve()), as text."""
    if depth > 3:
        return False
    if isinstance(node, ast.Call):
        if call_of(node, *_RESOLVERS) or method(node) in ("resolve", "absolute"):
            return True
        if call_of(node, "str", "os.fspath") and len(node.args) == 1:
            return _resolved_path(m, node.args[0], depth + 1)
    return _resolved_path(m, known_value(m, node), depth + 1) if isinstance(node, ast.Name) else False


def check_path_prefix_containment(m: Module) -> Iterator[Result]:
    for call in m.calls():
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "startswith" and len(call.args) == 1):
            continue
        base = call.args[0]
        if isinstance(base, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Tuple)):
            continue  # a literal prefix, or one built with a separator added
        if _resolved_path(m, call.func.value) and _resolved_path(m, base):
            message = (
                "a text prefix test does not keep a path inside a folder: /srv/data_private starts with "
                "/srv/data; compare whole parts (Path.is_relative_to, or os.path.commonpath([base, path]) "
                "== base)"
            )
            yield [call.lineno], "high", "security", message


_DIGEST_STEPS = ("hexdigest", "digest", "strip", "lower", "upper", "encode", "decode")


def _digest(m: Module, node: ast.AST | None, depth: int = 0) -> bool:
    """An HMAC: hmac.new(...).hexdigest() or .digest(), hmac.digest(...), or a name holding one."""
    if depth > 3:
        return False
    if isinstance(node, ast.Call):
        if call_of(node, "hmac.digest", "hmac.new", "hmac.HMAC"):
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr in _DIGEST_STEPS:
            return _digest(m, node.func.value, depth + 1)
    return _digest(m, known_value(m, node), depth + 1) if isinstance(node, ast.Name) else False


def check_signature_compared_with_eq(m: Module) -> Iterator[Result]:
    for node in m.of(ast.Compare):
        if (
            len(node.ops) == 1
            and isinstance(node.ops[0], (ast.Eq, ast.NotEq))
            and any(_digest(m, side) for side in (node.left, node.comparators[0]))
        ):
            message = (
                "== on a signature stops at the first differing character, so the time it takes tells an "
                "attacker how much of a forged one is right; use hmac.compare_digest()"
            )
            yield [node.lineno], "high", "security", message
