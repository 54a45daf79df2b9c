"""Navigation helpers for the resource tree."""

from pathparts import split_path


def depth(path):
    return len(split_path(path))


def parent(path):
    parts = split_path(path)
    return "/" + "/".join(parts[:-1]) if parts else "/"


def name(path):
    parts = split_path(path)
    return parts[-1] if parts else ""
