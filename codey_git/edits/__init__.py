"""The edit layer: turn a model's answer into a validated set of file changes, or refuse it whole.

Accepted formats (first found wins, in this order): unified diff, aider-style SEARCH/REPLACE
blocks, line edits (`Lines A-B:` and a code block), Python definitions in a code block, a whole
file in a code block.
"""

from .errors import AmbiguousMatch, EditRejected, EditTooLarge, EmptyEdit, HunkMismatch, NoEditFound, PathNotAllowed, UnsafeEdit
from .parse_apply import parse_and_apply
from .result import EditResult, unified_diff
from .safety import check_path

__all__ = [
    "AmbiguousMatch",
    "EditRejected",
    "EditResult",
    "EditTooLarge",
    "EmptyEdit",
    "HunkMismatch",
    "NoEditFound",
    "PathNotAllowed",
    "UnsafeEdit",
    "check_path",
    "parse_and_apply",
    "unified_diff",
]
