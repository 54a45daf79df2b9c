#!/usr/bin/env bash
# codey on arm64, proven on an x86 machine: an arm64 Debian root built with debootstrap and
# entered through qemu-user-static (binfmt_misc), codey installed in it from this checkout, then
#   1. git codey doctor (text and --json),
#   2. the test suite with the scripted backend (no real model: -m "not real_model and not heavy"),
#   3. a real `git codey fix` with SmolLM2-135M on the quick-start example (examples/calc).
# Everything it measures lands in $OUT (summary.md is the row for docs/benchmarks.md).
#
# NOT for CI: under emulation llama-cpp-python compiles for a long time (expect hours on 2 cores)
# and everything runs 5-20x slower than natively. The wheel it builds is kept in $OUT/wheels and
# reused by the next run (WHEELS=DIR to point at one built before).
#
# Needs root (debootstrap, binfmt_misc, chroot), network for apt and pip, ~6 GB of disk.
#
#   sudo benchmarks/arm64/run.sh                 # everything
#   sudo STEPS="doctor fix" benchmarks/arm64/run.sh
#   sudo PYTEST_ARGS="tests/test_fix_loop.py" benchmarks/arm64/run.sh
#
# Variables: ARM64_ROOT (the root file system, default /var/tmp/codey-arm64), SUITE (bookworm),
# MIRROR, OUT (default benchmarks/arm64/results/DATE), STEPS (root install doctor tests fix),
# PYTEST_ARGS, MODELS (a folder holding SmolLM2-135M-Instruct.Q4_1.gguf, to copy instead of
# pulling it), WHEELS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(cd "$here/../.." && pwd)"
root="${ARM64_ROOT:-/var/tmp/codey-arm64}"
suite="${SUITE:-bookworm}"
mirror="${MIRROR:-http://deb.debian.org/debian}"
out="${OUT:-$checkout/benchmarks/arm64/results/$(date -u +%Y-%m-%d)}"
steps="${STEPS:-root install doctor tests fix}"
pytest_args="${PYTEST_ARGS:-}"
llama_version="$(grep -o 'llama-cpp-python==[0-9.]*' "$checkout/pyproject.toml" | head -n 1)"
smol="SmolLM2-135M-Instruct.Q4_1.gguf"

say() { printf '\n== %s\n' "$*"; }
want() { case " $steps " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
timed() {  # timed NAME COMMAND...: run, record seconds and exit code in $out/times.tsv
  local name="$1" start rc
  shift
  start=$(date +%s)
  set +e
  "$@"
  rc=$?
  set -e
  printf '%s\t%s\t%s\n' "$name" "$(( $(date +%s) - start ))" "$rc" >> "$out/times.tsv"
  return 0
}
in_root() {  # in_root 'shell text': run inside the arm64 root, as root, with a clean environment
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    CODEY_HOME=/root/.cache/codey GIT_AUTHOR_NAME=codey GIT_AUTHOR_EMAIL=codey@example.invalid \
    GIT_COMMITTER_NAME=codey GIT_COMMITTER_EMAIL=codey@example.invalid /bin/bash -euo pipefail -c "$1"
}

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (debootstrap, binfmt_misc, chroot); run it with sudo" >&2
  exit 2
fi
mkdir -p "$out"
: > "$out/times.tsv"
{ echo "host: $(uname -srm), $(nproc) CPUs"; echo "checkout: $(git -C "$checkout" rev-parse HEAD)"
  echo "started: $(date -u +%FT%TZ)"; } > "$out/machine.txt"

say "host tools: qemu-user-static, binfmt_misc, debootstrap"
if ! command -v debootstrap >/dev/null || ! [ -e /usr/bin/qemu-aarch64-static ]; then
  apt-get update -q && apt-get install -y -q qemu-user-static binfmt-support debootstrap
fi
if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
  mount binfmt_misc -t binfmt_misc /proc/sys/fs/binfmt_misc
fi
update-binfmts --enable qemu-aarch64 2>/dev/null || true
if ! [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  echo "run.sh: qemu-aarch64 is not registered in binfmt_misc (see update-binfmts --display)" >&2
  exit 1
fi

mounted=()
cleanup() {
  local m
  for (( i=${#mounted[@]}-1; i>=0; i-- )); do m="${mounted[$i]}"; umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() { mkdir -p "$root$1"; mount --bind "$1" "$root$1"; mounted+=("$root$1"); }

if want root && ! [ -x "$root/usr/bin/python3" ]; then
  say "arm64 Debian $suite root in $root (debootstrap, two stages under qemu)"
  timed debootstrap debootstrap --arch=arm64 --foreign --variant=minbase \
    --include=python3,python3-venv,python3-dev,git,build-essential,cmake,ca-certificates,procps \
    "$suite" "$root" "$mirror"
  cp /usr/bin/qemu-aarch64-static "$root/usr/bin/"
  timed second-stage chroot "$root" /debootstrap/debootstrap --second-stage
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
# the host's CA bundle: behind a proxy with its own CA (a company network, this project's
# machines) the root's stock bundle cannot verify pip's or apt's https, and pip fails "no versions"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$root/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
fi
bind /proc
bind /sys
bind /dev
in_root 'uname -m' | tee "$out/uname.txt"

if want install; then
  say "codey from this checkout ($(git -C "$checkout" rev-parse --short HEAD)) into /opt/codey, venv /opt/venv"
  rm -rf "$root/opt/codey" && mkdir -p "$root/opt/codey" "$root/opt/wheels"
  git -C "$checkout" archive --format=tar HEAD | tar -x -C "$root/opt/codey"
  if [ -n "${WHEELS:-}" ]; then cp "$WHEELS"/*.whl "$root/opt/wheels/" 2>/dev/null || true; fi
  if [ -d "$out/wheels" ]; then cp "$out"/wheels/*.whl "$root/opt/wheels/" 2>/dev/null || true; fi
  in_root 'python3 -m venv /opt/venv && pip install -q --upgrade pip wheel setuptools'
  # the long part: llama.cpp compiled under emulation; the wheel is kept for the next run
  timed llama-wheel in_root "cd /opt/wheels && pip wheel --no-deps --find-links /opt/wheels '$llama_version'"
  mkdir -p "$out/wheels" && cp "$root"/opt/wheels/*.whl "$out/wheels/"
  timed install in_root "pip install -q --find-links /opt/wheels -e '/opt/codey[test]'"
  in_root 'git codey --version' | tee "$out/version.txt"
fi

if want doctor; then
  say "git codey doctor"
  timed doctor in_root 'cd /opt/codey && git codey doctor --no-tests' > "$out/doctor.txt" 2>&1
  in_root 'cd /opt/codey && git codey doctor --no-tests --json' > "$out/doctor.json" 2>/dev/null || true
  cat "$out/doctor.txt"
fi

if want tests; then
  say "test suite, scripted backend (-m 'not real_model and not heavy')"
  timed pytest in_root "cd /opt/codey && python -m pytest -q -p no:cacheprovider -m 'not real_model and not heavy' \
    $pytest_args" > "$out/pytest.txt" 2>&1 || true
  tail -n 5 "$out/pytest.txt"
fi

if want fix; then
  say "a real git codey fix with SmolLM2-135M on examples/calc"
  mkdir -p "$root/root/.cache/codey/models"
  if [ -n "${MODELS:-}" ] && [ -f "$MODELS/$smol" ]; then
    cp "$MODELS/$smol" "$root/root/.cache/codey/models/"
  else
    timed pull in_root 'git codey models pull smollm2-135m --yes'
  fi
  in_root 'rm -rf /tmp/calc && cp -R /opt/codey/examples/calc /tmp/calc && cd /tmp/calc && git init -q -b main \
    && git add -A && git commit -qm "calc: add, average and clamp"'
  timed fix in_root 'cd /tmp/calc && CODEY_CODER=smollm2-135m CODEY_ATTEMPTS=2 CODEY_MAX_TOKENS=128 \
    git codey fix "bug in calc.py line 17: clamp returns the wrong bound when the value is too high" --json' \
    > "$out/fix.json" 2> "$out/fix.log" || true
  tail -n 3 "$out/fix.log"
fi

say "summary ($out/summary.md)"
{
  echo "arm64 under qemu-user-static on $(uname -m) ($(nproc) CPUs), $(date -u +%F), checkout $(git -C "$checkout" rev-parse --short HEAD)"
  echo
  echo "| step | seconds | exit |"
  echo "| --- | --- | --- |"
  while IFS=$'\t' read -r name seconds rc; do echo "| $name | $seconds | $rc |"; done < "$out/times.tsv"
  if [ -f "$out/pytest.txt" ]; then echo; echo "suite: $(tail -n 1 "$out/pytest.txt")"; fi
  if [ -s "$out/fix.json" ]; then
    echo "fix: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], "-", r.get("reason") or r.get("tests"), "-", r["tokens"].get("generated_tokens"), "tokens")' "$out/fix.json" 2>/dev/null || echo 'see fix.log')"
  fi
} | tee "$out/summary.md"
