"""`git codey completion bash|zsh|fish`: a shell script that completes `git codey ...` (through
git's own completion: `_git_codey` for bash, `_git-codey` for zsh) and `git-codey ...`.

The scripts ask codey itself (`git-codey __complete WORDS`, answered in ``entry.py`` by
``commands/_complete.py``), so completion always matches the installed commands and options.
"""

from __future__ import annotations

from enum import Enum

import typer

BASH = r'''# bash completion for `git codey` and `git-codey`. Load it with
#   source <(git codey completion bash)
# (git's own bash completion calls _git_codey for `git codey ...`), or save it as
#   ~/.local/share/bash-completion/completions/git-codey
_git_codey_reply() {  # $1: the word being completed; then the words between "codey" and it
    local cur=$1 IFS=$'\n'
    shift
    local found
    found=$(git-codey __complete "$@" "$cur" 2>/dev/null)
    if [ -n "$found" ]; then
        COMPREPLY=($(compgen -W "$found" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
_git_codey() {  # called by git's completion with words, cword and cur set
    local i start=0
    for ((i = 1; i < cword; i++)); do
        if [ "${words[i]}" = codey ]; then start=$((i + 1)); break; fi
    done
    [ "$start" -gt 0 ] || return 0
    _git_codey_reply "${words[cword]}" "${words[@]:start:cword-start}"
}
_git_codey_direct() {
    _git_codey_reply "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[@]:1:COMP_CWORD-1}"
}
complete -o default -F _git_codey_direct git-codey
'''

ZSH = r'''#compdef git-codey
# zsh completion for `git codey` and `git-codey`. Load it with
#   source <(git codey completion zsh)
# (zsh's git completion calls _git-codey for `git codey ...`), or save it as _git-codey in a
# folder on $fpath.
_git-codey() {
    local -a found
    found=("${(@f)$(git-codey __complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null)}")
    if (( ${#found} )) && [[ -n "${found[1]}" ]]; then
        compadd -a found
    else
        _files
    fi
}
if (( $+functions[compdef] )); then
    compdef _git-codey git-codey
fi
'''

FISH = r'''# fish completion for `git codey` and `git-codey`. Load it with
#   git codey completion fish | source
# or save it as ~/.config/fish/completions/git-codey.fish
function __git_codey_complete
    set -l tokens (commandline -opc)
    set -l rest
    set -l seen 0
    for token in $tokens
        if test $seen -eq 1
            set rest $rest $token
        else if test "$token" = codey -o "$token" = git-codey
            set seen 1
        end
    end
    set -l found (git-codey __complete $rest (commandline -ct) 2>/dev/null)
    if test (count $found) -gt 0
        printf '%s\n' $found
    else
        __fish_complete_path (commandline -ct)
    end
end
complete -c git-codey -f -a '(__git_codey_complete)'
complete -c git -n '__fish_seen_subcommand_from codey' -f -a '(__git_codey_complete)'
'''

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def register(app: typer.Typer) -> None:
    @app.command("completion", help="Print a shell completion script: source <(git codey completion bash).")
    def completion(shell: Shell = typer.Argument(..., help="bash, zsh or fish.")) -> None:
        typer.echo(SCRIPTS[shell.value], nl=False)
