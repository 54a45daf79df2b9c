"""Grammars that give the coder's answer the shape its edit format needs.

Small models asked for "a `Bug:` line, then the corrected function in a python block" sometimes
stop after the note, or add a second block of tests after the fix. A GBNF grammar (llama.cpp's
constrained sampling) rules both out: the note is one line, exactly one python block follows,
and generation ends at its closing fence, so no tokens are spent on prose after the code.
"""

from __future__ import annotations

# a code line never starts with a backquote (no Python line does), so the first line that does is
# the closing fence, written as the model likes: "```" alone or with its newline
FUNCTION_ANSWER = r'''
root ::= "Bug: " note "\n\n```python\n" line+ "```" "\n"?
note ::= [^\n]+
line ::= [^`\n] [^\n]* "\n" | "\n"
'''

# "lines": one `Lines A-B:` header and one python block (possibly empty: a deletion), nothing
# else: a one-line fix costs a handful of tokens
LINES_ANSWER = r'''
root ::= "Bug: " [^\n]{1,100} "\n" "Line" "s"? " " num ("-" num)? (" in " path)? ":\n```python\n" line* "```" "\n"?
num ::= [1-9] [0-9]? [0-9]? [0-9]? [0-9]?
path ::= [A-Za-z0-9_./-]+
line ::= [^`\n] [^\n]* "\n" | "\n"
'''

GRAMMARS = {"function": FUNCTION_ANSWER, "lines": LINES_ANSWER}


def answer_grammar(fmt: str, enabled: bool = True) -> str | None:
    """The grammar for an edit format, or None where the format's answers are left free."""
    return GRAMMARS.get(fmt) if enabled else None
