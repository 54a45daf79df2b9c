"""Unrelated, correct code that `--pad-modules` appends to each task's buggy module.

fixbench's modules are 6-26 lines: one function and its neighbours. Real modules are longer, and a
whole-file rewrite of a real module costs far more than rewriting one function in it. With
`--pad-modules`, the buggy file keeps its own lines (so line numbers in requests still hold) and
gets these helpers after them; the bug, the tests and the fix are unchanged. Nothing here is
called by any task.
"""


def _clamp_ratio(value, low=0.0, high=1.0):
    """``value`` limited to [low, high]; NaN stays NaN so callers can notice it."""
    if value != value:
        return value
    return max(low, min(high, value))


def _chunked(items, size):
    """Consecutive slices of ``items`` of at most ``size`` elements."""
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]


def _pairwise_gaps(values):
    """Differences between neighbouring values: [1, 4, 9] -> [3, 5]."""
    return [later - earlier for earlier, later in zip(values, values[1:])]


def _parse_bool_text(text):
    """'yes'/'no'-style text as a bool; anything else is an error."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def _human_bytes(count):
    """A byte count with a binary unit, one decimal: 1536 -> '1.5 KiB'."""
    units = ["B", "KiB", "MiB", "GiB", "TiB"]
    size = float(count)
    for unit in units:
        if abs(size) < 1024 or unit == units[-1]:
            return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    return f"{size:.1f} TiB"


def _merge_ranges(ranges):
    """Overlapping or touching (start, end) ranges merged, sorted by start."""
    merged = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _truncate_words(text, limit):
    """At most ``limit`` characters, cut at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip()
    return (cut or text[:limit]) + "…"


class _LruCache:
    """A small least-recently-used cache."""

    def __init__(self, capacity):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items = {}

    def get(self, key, default=None):
        if key not in self._items:
            return default
        value = self._items.pop(key)
        self._items[key] = value
        return value

    def put(self, key, value):
        self._items.pop(key, None)
        self._items[key] = value
        while len(self._items) > self.capacity:
            oldest = next(iter(self._items))
            del self._items[oldest]

    def __len__(self):
        return len(self._items)


def _running_mean(values):
    """The mean after each value, as a list the same length as ``values``."""
    out = []
    total = 0.0
    for count, value in enumerate(values, 1):
        total += value
        out.append(total / count)
    return out


def _invert_mapping(mapping):
    """{value: [keys...]} for a mapping whose values may repeat."""
    inverted = {}
    for key, value in mapping.items():
        inverted.setdefault(value, []).append(key)
    return inverted


def _snake_case(name):
    """'HTTPServerError' -> 'http_server_error'."""
    out = []
    for i, char in enumerate(name):
        if char.isupper() and i and (not name[i - 1].isupper()
                                     or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(char.lower())
    return "".join(out)
