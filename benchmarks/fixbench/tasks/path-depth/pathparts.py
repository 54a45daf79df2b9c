"""Splitting slash-separated resource paths."""


def split_path(path):
    """'/a/b/' -> ['a', 'b']"""
    return path.split("/")
