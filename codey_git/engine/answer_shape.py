"""Grammars that give the coder's answer the shape its edit format needs.

Small models asked for "a `Bug:` line, then the corrected function in a python block" sometimes
stop after the note, or add a second block of tests after the fix. A GBNF grammar (llama.cpp's
constrained sampling) rules both out: the note is one line, exactly one python block follows,
and generation ends at its closing fence, so no tokens are spent on prose after the code.
"""

from __future__ import annotations

# code is any text without a run of three backquotes; the block closes the answer
FUNCTION_ANSWER = r'''
root ::= "Bug: " note "\n\n```python\n" code "```"
note ::= [^\n`]+
code ::= ( [^`] | "`" [^`] | "``" [^`] )+
'''

GRAMMARS = {"function": FUNCTION_ANSWER}


def answer_grammar(fmt: str, enabled: bool = True) -> str | None:
    """The grammar for an edit format, or None where the format's answers are left free."""
    return GRAMMARS.get(fmt) if enabled else None
