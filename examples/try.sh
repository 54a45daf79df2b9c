#!/usr/bin/env bash
# Try codey on a tiny project with one seeded bug, without touching your own repositories:
# copies examples/calc into a fresh temporary directory, commits it, and asks `git codey fix`
# to repair the bug. Needs `git-codey` on PATH (installed with codey).
#
#   examples/try.sh            # PYTHON=/path/to/python picks the interpreter for the tests
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
request="bug in calc.py line 17: clamp returns the wrong bound when the value is too high"

if ! command -v git-codey >/dev/null 2>&1; then
  echo "try.sh: git-codey is not on PATH. Install codey first (pip install codey-git," >&2
  echo "        or pip install -e . in a checkout), then run this again." >&2
  exit 1
fi

# Run the tests with the interpreter codey is installed in: it has pytest.
py="${PYTHON:-}"
if [ -z "$py" ]; then
  shebang="$(head -n1 "$(command -v git-codey)")"
  case "$shebang" in
    '#!'*python*) py="${shebang#\#!}"; py="${py%% *}" ;;
  esac
fi
py="${py:-python3}"
if ! "$py" -c "import pytest" >/dev/null 2>&1; then
  echo "try.sh: $py has no pytest; set PYTHON to the interpreter codey is installed in." >&2
  exit 1
fi
# ...and let codey's own test command (`python -m pytest`) find the same interpreter first.
export PATH="$(cd "$(dirname "$(command -v "$py")")" && pwd):$PATH"

work="$(mktemp -d "${TMPDIR:-/tmp}/codey-try.XXXXXX")"
cp -R "$here/calc/." "$work/"
cd "$work"
git init -q -b main
git config user.name >/dev/null || git config user.name "codey demo"
git config user.email >/dev/null || git config user.email "codey-demo@example.invalid"
git add -A
git commit -q -m "calc: add, average and clamp"

echo "== demo repository: $work"
echo "== tests before the fix (one fails):"
"$py" -m pytest -q -p no:cacheprovider || true
echo
echo "== git codey fix \"$request\" --yes"
git codey fix "$request" --yes
echo
echo "== git log --oneline -3"
git log --oneline -3
echo
echo "== tests after the fix:"
"$py" -m pytest -q -p no:cacheprovider
echo
echo "Done. The demo repository stays in $work (delete it when you like)."
