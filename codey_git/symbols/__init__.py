"""The repository's Python definitions, indexed by blob oid under ``.git/codey/``, and ranked by
BM25 against a request's words and the names its failing tests call (localization's third clue,
next to tracebacks and line coverage)."""
