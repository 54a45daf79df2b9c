"""The man page, `man git-codey` (what `git codey --help` opens), made from the command line itself:
every command's usage, help and options as `git codey COMMAND -h` prints them, and the exit
codes from the README's table. `python -m codey_git.commands._manpage --write` refreshes the
shipped ``man/git-codey.1``; ``tests/test_cli_help.py`` fails when the file is not what this makes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAN_PAGE = PROJECT_ROOT / "man" / "git-codey.1"
README = PROJECT_ROOT / "README.md"

ENVIRONMENT = [
    (
        "CODEY_HOME",
        "Where codey keeps models, statistics and the review cache (default $XDG_CACHE_HOME/codey, that is ~/.cache/codey).",
    ),
    ("CODEY_MODELS_DIR", "Where model files go (default $CODEY_HOME/models); set it to share one download."),
    ("CODEY_*", "Any configuration key, e.g. CODEY_BACKEND=openai or CODEY_REVIEW_MODEL=false; see .codey.yml.example."),
]


def _text(text: str) -> str:
    """Running text for roff: backslashes and hyphens escaped, no line starting with . or '."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in text.splitlines())


def _paragraphs(text: str | None) -> list[str]:
    text = (text or "").partition("\f")[0]
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _command_section(command: Any, ctx: Any, path: str) -> list[str]:  # click's Command and Context
    usage = " ".join(command.collect_usage_pieces(ctx))
    out = [f'.SS "{_text(path)}"', f".B {_text(path)}", _text(usage)]
    for paragraph in _paragraphs(command.help):
        out += [".PP", _text(paragraph)]
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record:
            out += [".TP", f".B {_text(record[0])}", _text(record[1] or "")]
    return out


def exit_code_rows(readme: Path = README) -> list[tuple[str, str, str]]:
    """(code, meaning, commands) rows of the README's exit-code table (the section `## Exit codes`)."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) >= 3 and re.fullmatch(r"`?\d+`?", cells[0]):
            rows.append((cells[0].strip("`"), re.sub(r"[`*]", "", cells[1]), cells[2]))
    return rows


def render() -> str:
    from codey_git.commands._app import APP_SETTINGS, build_app, click_command

    root = click_command(build_app())
    root_ctx = root.context_class(root, info_name="git codey", **root.context_settings)
    lines = [
        '.TH GIT\\-CODEY 1 "" "codey\\-git" "Git Manual"',
        ".\\\" Made by `python -m codey_git.commands._manpage --write` from the command line; do not edit.",
        ".SH NAME",
        "git\\-codey \\- " + _text(_paragraphs(APP_SETTINGS["help"])[0].split(". ")[0].rstrip(".")),
        ".SH SYNOPSIS",
        ".B git codey",
        "COMMAND [OPTIONS] [ARGS]...",
        ".br",
        ".B git codey",
        '"REQUEST IN WORDS" [\\-\\-yes] [\\-\\-json]',
        ".br",
        ".B git codey help",
        "[COMMAND]",
        ".SH DESCRIPTION",
    ]
    for paragraph in _paragraphs(APP_SETTINGS["help"]):
        lines += [_text(paragraph), ".PP"]
    lines += [
        _text(
            "Every command takes -h and --help, and `git codey help COMMAND` prints the same text. "
            "`git codey --help` opens this page (git turns it into `man git-codey`)."
        )
    ]
    lines.append(".SH OPTIONS")
    for param in root.get_params(root_ctx):
        record = param.get_help_record(root_ctx)
        if record:
            lines += [".TP", f".B {_text(record[0])}", _text(record[1] or "")]
    lines.append(".SH COMMANDS")
    for name in sorted(root.commands):
        command = root.commands[name]
        if command.hidden:
            continue
        ctx = command.context_class(command, info_name=name, parent=root_ctx)
        if hasattr(command, "commands"):  # a group: its help, then each subcommand
            lines += [f'.SS "{_text("git codey " + name)}"']
            for paragraph in _paragraphs(command.help):
                lines += [_text(paragraph), ".PP"]
            for sub_name in command.commands:
                sub = command.commands[sub_name]
                if not sub.hidden:
                    sub_ctx = sub.context_class(sub, info_name=sub_name, parent=ctx)
                    lines += _command_section(sub, sub_ctx, f"git codey {name} {sub_name}")
        else:
            lines += _command_section(command, ctx, f"git codey {name}")
    lines.append(".SH EXIT STATUS")
    for code, meaning, _commands in exit_code_rows():
        lines += [".TP", f".B {code}", _text(meaning)]
    lines.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT:
        lines += [".TP", f".B {_text(name)}", _text(meaning)]
    lines += [".SH SEE ALSO", "git(1), and codey's README (Troubleshooting, configuration, exit codes)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    page = render()
    if argv == ["--write"]:
        MAN_PAGE.parent.mkdir(exist_ok=True)
        MAN_PAGE.write_text(page, encoding="utf-8")
    elif argv == ["--check"]:
        if not MAN_PAGE.is_file() or MAN_PAGE.read_text(encoding="utf-8") != page:
            sys.stderr.write(f"{MAN_PAGE} is out of date: run python -m codey_git.commands._manpage --write\n")
            return 1
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
