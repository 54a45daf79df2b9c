"""What `git codey WORDS<TAB>` may become: answers `git-codey __complete WORDS INCOMPLETE` for the
scripts of `git codey completion`. Walks the click command tree of the one command named, so the
candidates are the installed commands, subcommands, options and choices."""

from __future__ import annotations

TOP_OPTIONS = ("-h", "--help", "--version")


def _visible(group) -> list[str]:
    return sorted(name for name, cmd in group.commands.items() if not getattr(cmd, "hidden", False))


def _options(command) -> list[str]:
    names = []
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and not getattr(param, "hidden", False):
            names += list(param.opts) + list(getattr(param, "secondary_opts", []))
    return names + ["-h", "--help"]


def _option_taking_value(command, word: str):
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and word in param.opts:
            return None if getattr(param, "is_flag", False) or getattr(param, "count", False) else param
    return None


def _choices(param) -> list[str]:
    from codey_git.commands._app import param_choices

    return param_choices(param)


def _model_names() -> list[str]:
    from codey_git.models.catalog import BUILTIN

    return sorted(BUILTIN)


def candidates(words: list[str]) -> list[str]:
    """``words``: what follows `codey` on the command line; the last one is being completed."""
    from codey_git.commands._app import build_app, command_modules

    *done, incomplete = words or [""]
    names = command_modules()
    if not done:
        found = list(TOP_OPTIONS) if incomplete.startswith("-") else names
        return [n for n in found if n.startswith(incomplete)]
    if done[0] not in names:
        return []  # a request in words: the shell completes file names
    if done[0] == "help":
        if len(done) == 1:
            return [n for n in names if n.startswith(incomplete)]
        done = done[1:]
    from codey_git.commands._app import click_command

    command = click_command(build_app(only=done[0])).commands[done[0]]
    found, arguments, expecting = [], 0, None
    for word in done[1:]:
        if expecting is not None:
            expecting = None
        elif hasattr(command, "commands") and word in command.commands:
            command, arguments = command.commands[word], 0
        elif word.startswith("-"):
            expecting = _option_taking_value(command, word)
        else:
            arguments += 1
    if expecting is not None:
        found = _choices(expecting)
    elif incomplete.startswith("-"):
        found = _options(command)
    elif hasattr(command, "commands"):
        found = _visible(command)
    else:
        positional = [p for p in command.params if getattr(p, "param_type_name", "") == "argument"]
        if arguments < len(positional):
            found = _choices(positional[arguments])
            if not found and done[0] == "models" and positional[arguments].name == "name":
                found = _model_names()
    return [c for c in found if c.startswith(incomplete)]
