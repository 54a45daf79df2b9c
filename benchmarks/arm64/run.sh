#!/usr/bin/env bash
# codey on arm64, proven on an x86 machine: an arm64 Debian root built with debootstrap and
# entered through qemu-user-static (binfmt_misc), codey installed in it from this checkout, then
#   1. git codey doctor (text and --json),
#   2. the test suite with the scripted backend (no real model: -m "not real_model and not heavy"),
#   3. a real `git codey fix` with SmolLM2-135M on the quick-start example (examples/calc).
# Everything it measures lands in $OUT (summary.md is the row for docs/benchmarks.md).
#
# NOT for CI: under emulation everything runs 5-20x slower than natively.
#
# llama-cpp-python is the one dependency with no aarch64 wheel on PyPI; it compiles llama.cpp.
# Two ways to get it (WHEEL_BUILD):
#   cross     (default) the `wheel` step cross-compiles it on this x86 host at native speed with
#             Debian's aarch64-linux-gnu gcc/g++ (about 10-20 min on 2 busy cores). It is not a
#             CPython extension (llama_cpp loads libllama.so and libggml*.so with ctypes), so a
#             cross CMake build is enough; the wheel is then retagged linux_aarch64 and every .so
#             in it is checked with `file` to be ARM aarch64. ARM_ARCH (default armv8-a) is
#             passed as GGML_CPU_ARM_ARCH (-march): armv8-a runs on any 64-bit ARM (Pi 3/4 too,
#             and qemu); a Pi 5 or RK3588 (Cortex-A76) is faster with armv8.2-a+dotprod+fp16.
#             The cross toolchain must not be newer than the root's glibc/libstdc++ (a bookworm
#             host for a bookworm root, as here): the install step imports llama_cpp to prove it.
#   emulated  the install step compiles it inside the root under qemu (no cross toolchain, but
#             hours on 2 cores: a run on 2026-12-06 stopped after 70 min at 97 of 178 objects).
# Either way the wheel is kept in $OUT/wheels and reused by the next run (WHEELS=DIR to point at
# one built before); a wheel found there skips the build.
#
# Needs root (debootstrap, binfmt_misc, chroot), network for apt and pip, ~6 GB of disk.
#
#   sudo benchmarks/arm64/run.sh                 # everything
#   sudo STEPS="doctor fix" benchmarks/arm64/run.sh
#   sudo PYTEST_ARGS="tests/test_fix_loop.py" benchmarks/arm64/run.sh
#   sudo WHEEL_BUILD=emulated benchmarks/arm64/run.sh
#
# Variables: ARM64_ROOT (the root file system, default /var/tmp/codey-arm64), SUITE (bookworm),
# MIRROR, OUT (default benchmarks/arm64/results/DATE), STEPS (root wheel install doctor tests fix),
# PYTEST_ARGS, MODELS (a folder holding SmolLM2-135M-Instruct.Q4_1.gguf, to copy instead of
# pulling it), WHEELS, WHEEL_BUILD (cross or emulated), ARM_ARCH (armv8-a), CROSS_DIR (the cross
# build's sdist, venv and CMake build folder, kept for a quick rebuild; /var/tmp/codey-arm64-cross),
# NICE (10: the niceness of the builds and the suite), CROSS_CMAKE_ARGS (more -D options for the
# cross build; -DLLAVA_BUILD=OFF skips the 51 of 178 objects of libmtmd, llama_cpp's vision part,
# which codey does not use and llama_cpp imports only for a vision chat handler).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(cd "$here/../.." && pwd)"
root="${ARM64_ROOT:-/var/tmp/codey-arm64}"
suite="${SUITE:-bookworm}"
mirror="${MIRROR:-http://deb.debian.org/debian}"
out="${OUT:-$checkout/benchmarks/arm64/results/$(date -u +%Y-%m-%d)}"
steps="${STEPS:-root wheel install doctor tests fix}"
pytest_args="${PYTEST_ARGS:-}"
wheel_build="${WHEEL_BUILD:-cross}"
arm_arch="${ARM_ARCH:-armv8-a}"
cross_dir="${CROSS_DIR:-/var/tmp/codey-arm64-cross}"
nice_n="${NICE:-10}"
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

llama_wheel() {  # llama_wheel DIR: the aarch64 wheel of the pinned llama-cpp-python in DIR, if any
  ls "$1"/llama_cpp_python-"${llama_version#llama-cpp-python==}"-*-linux_aarch64.whl 2>/dev/null | head -n 1
}
cross_wheel() (  # the pinned llama-cpp-python for aarch64, built here with the cross toolchain
  set -e
  local v="${llama_version#llama-cpp-python==}" whl
  mkdir -p "$cross_dir/dist" "$out/wheels"
  if ! [ -x "$cross_dir/venv/bin/pip" ]; then
    python3 -m venv "$cross_dir/venv" && "$cross_dir/venv/bin/pip" install -q --upgrade pip wheel
  fi
  if ! [ -f "$cross_dir/llama_cpp_python-$v.tar.gz" ]; then
    "$cross_dir/venv/bin/pip" download -q --no-binary :all: --no-deps "$llama_version" -d "$cross_dir"
  fi
  # unpacked once, at a fixed path: pip would build the sdist in a new temporary folder each
  # time, which a kept CMake build folder does not accept
  if ! [ -f "$cross_dir/llama_cpp_python-$v/pyproject.toml" ]; then
    tar -xzf "$cross_dir/llama_cpp_python-$v.tar.gz" -C "$cross_dir"
  fi
  rm -f "$cross_dir"/dist/llama_cpp_python-*.whl
  # GGML_NATIVE=OFF: nothing is probed on the host (an x86 CPU says nothing about the board);
  # GGML_CPU_ARM_ARCH gives -march. OpenMP stays on, as in a build on the board (the root has
  # libgomp1). The build folder is kept: a second run recompiles only what changed.
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
  CMAKE_ARGS="-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 \
-DCMAKE_C_COMPILER=aarch64-linux-gnu-gcc -DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++ \
-DGGML_NATIVE=OFF -DGGML_CPU_ARM_ARCH=$arm_arch ${CROSS_CMAKE_ARGS:-}" \
    nice -n "$nice_n" "$cross_dir/venv/bin/pip" wheel --no-deps -w "$cross_dir/dist" \
      --config-settings build-dir="$cross_dir/build-$arm_arch" "$cross_dir/llama_cpp_python-$v"
  # scikit-build-core names the wheel after the host (py3-none-linux_x86_64): retag it
  whl="$(ls "$cross_dir"/dist/llama_cpp_python-"$v"-*.whl | head -n 1)"
  case "$whl" in
    *-linux_aarch64.whl) ;;
    *) "$cross_dir/venv/bin/python" -m wheel tags --remove --platform-tag linux_aarch64 "$whl" >/dev/null ;;
  esac
  whl="$(llama_wheel "$cross_dir/dist")"
  # prove it: every shared library in the wheel is an aarch64 ELF, and the newest glibc and
  # libstdc++ symbol versions it needs (they must not be newer than the root's or the board's)
  rm -rf "$cross_dir/check" && mkdir -p "$cross_dir/check"
  (cd "$cross_dir/check" && python3 -m zipfile -e "$whl" . && find . -name '*.so*' -type f | sort \
    | xargs file) > "$out/wheel-files.txt"
  { echo "wheel: $(basename "$whl"), -march=$arm_arch, cross-compiled on $(uname -m) with $(aarch64-linux-gnu-gcc --version | head -n 1)"
    echo "needs: $(find "$cross_dir/check" -name '*.so*' -type f -exec aarch64-linux-gnu-objdump -T {} + \
      | grep -o 'GLIBC\(XX\)\?_[0-9.]*' | sort -u | sort -t_ -k1,1 -k2V | awk -F_ '{last[$1]=$0} END {for (k in last) print last[k]}' | sort | tr '\n' ' ')"
  } >> "$out/wheel-files.txt"
  cat "$out/wheel-files.txt"
  if grep '\.so' "$out/wheel-files.txt" | grep -v 'ARM aarch64'; then
    echo "run.sh: the wheel holds a library that is not aarch64 (above)" >&2
    exit 1
  fi
  cp "$whl" "$out/wheels/"
)

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (debootstrap, binfmt_misc, chroot); run it with sudo" >&2
  exit 2
fi
mkdir -p "$out"
# times.tsv and machine.txt grow by one run at a time: a day's runs (STEPS=...) add up to one table
touch "$out/times.tsv"
{ echo "run started: $(date -u +%FT%TZ), steps: $steps"; echo "host: $(uname -srm), $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "checkout: $(git -C "$checkout" rev-parse HEAD)"; } >> "$out/machine.txt"

case "$wheel_build" in
  cross | emulated) ;;
  *) echo "run.sh: WHEEL_BUILD is cross or emulated, not '$wheel_build'" >&2; exit 2 ;;
esac
# STEPS=wheel alone (a wheel to copy to a board) needs neither qemu nor the root
uses_root() { want root || want install || want doctor || want tests || want fix; }

if want wheel && [ "$wheel_build" = cross ] && ! command -v aarch64-linux-gnu-g++ >/dev/null; then
  say "host tools: the aarch64 cross toolchain"
  apt-get update -q && apt-get install -y -q gcc-aarch64-linux-gnu g++-aarch64-linux-gnu file python3-venv
fi
if uses_root; then
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
if uses_root; then
  if ! [ -x "$root/usr/bin/python3" ]; then
    echo "run.sh: no arm64 root in $root: add the root step (STEPS=\"root ...\")" >&2
    exit 1
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
  bind /dev/pts  # not part of the /dev bind: the tests that answer a prompt on a terminal open a pty
  in_root 'uname -m; python3 --version' | tee "$out/uname.txt"
fi

if want wheel && [ "$wheel_build" = cross ]; then
  if [ -n "${WHEELS:-}" ] && [ -n "$(llama_wheel "$WHEELS")" ]; then
    say "llama-cpp-python for aarch64: $(llama_wheel "$WHEELS") (WHEELS), not rebuilt"
  elif [ -n "$(llama_wheel "$out/wheels")" ]; then
    say "llama-cpp-python for aarch64: $(llama_wheel "$out/wheels"), kept from a run before"
  else
    say "llama-cpp-python ${llama_version#*==} cross-compiled for aarch64 (-march=$arm_arch) in $cross_dir"
    timed cross-wheel cross_wheel
    if [ -z "$(llama_wheel "$out/wheels")" ]; then
      echo "run.sh: the cross build failed (above); WHEEL_BUILD=emulated builds it under qemu instead, for hours" >&2
      exit 1
    fi
  fi
fi

if want install; then
  say "codey from this checkout ($(git -C "$checkout" rev-parse --short HEAD)) into /opt/codey, venv /opt/venv"
  rm -rf "$root/opt/codey" && mkdir -p "$root/opt/codey" "$root/opt/wheels"
  git -C "$checkout" archive --format=tar HEAD | tar -x -C "$root/opt/codey"
  git -C "$checkout" rev-parse HEAD > "$root/opt/codey/.installed-commit"
  if [ -n "${WHEELS:-}" ]; then cp "$WHEELS"/*.whl "$root/opt/wheels/" 2>/dev/null || true; fi
  if [ -d "$out/wheels" ]; then cp "$out"/wheels/*.whl "$root/opt/wheels/" 2>/dev/null || true; fi
  in_root 'python3 -m venv /opt/venv && pip install -q --upgrade pip wheel setuptools'
  if [ -n "$(llama_wheel "$root/opt/wheels")" ]; then
    echo "llama-cpp-python: $(basename "$(llama_wheel "$root/opt/wheels")")"
  elif [ "$wheel_build" = cross ]; then
    echo "run.sh: no aarch64 llama-cpp-python wheel: run the wheel step (STEPS=\"wheel install ...\")," >&2
    echo "        point WHEELS at one, or build it under qemu with WHEEL_BUILD=emulated" >&2
    exit 1
  else
    # WHEEL_BUILD=emulated, the long part: llama.cpp compiled under qemu; the wheel is kept
    timed llama-wheel-emulated in_root "cd /opt/wheels && nice -n $nice_n pip wheel --no-deps '$llama_version'"
    mkdir -p "$out/wheels" && cp "$(llama_wheel "$root/opt/wheels")" "$out/wheels/"
  fi
  timed install in_root "pip install -q --find-links /opt/wheels -e '/opt/codey[test]'"
  in_root 'git codey --version; echo "from checkout $(cat /opt/codey/.installed-commit)"' | tee "$out/version.txt"
  # the proof that the wheel loads here: llama.cpp's own report of what it was built with
  in_root "python -c 'import llama_cpp; print(\"llama_cpp\", llama_cpp.__version__, llama_cpp.__file__); \
print(llama_cpp.llama_print_system_info().decode())'" | tee "$out/llama-system-info.txt"
fi

if want doctor; then
  say "git codey doctor"
  timed doctor in_root 'cd /opt/codey && git codey doctor --no-tests' > "$out/doctor.txt" 2>&1
  in_root 'cd /opt/codey && git codey doctor --no-tests --json' > "$out/doctor.json" 2>/dev/null || true
  # what doctor reads for the CPU: under qemu-user, the x86 host kernel's /proc/cpuinfo (x86
  # "flags", no ARM "Features"), which makes its NEON check a false alarm here, not on a board
  in_root 'uname -m; grep -m 2 -E "^(model name|flags|Features|CPU part)" /proc/cpuinfo | cut -c 1-100' \
    > "$out/cpuinfo.txt" 2>&1 || true
  cat "$out/doctor.txt"
fi

if want tests; then
  say "test suite, scripted backend (-m 'not real_model and not heavy')"
  log="$out/pytest.txt" n=1
  while [ -e "$log" ]; do n=$(( n + 1 )); log="$out/pytest-$n.txt"; done  # one log per run
  echo "PYTEST_ARGS: ${pytest_args:-(the whole suite)}" > "$log"  # of /opt/codey, as installed
  echo "codey from checkout $(cat "$root/opt/codey/.installed-commit" 2>/dev/null || echo '?')" >> "$log"
  name=pytest; if [ "$n" -gt 1 ]; then name="pytest-$n"; fi
  timed "$name" in_root "cd /opt/codey && nice -n $nice_n python -m pytest -rfEs -p no:cacheprovider --durations=10 \
    -m 'not real_model and not heavy' $pytest_args" >> "$log" 2>&1 || true
  tail -n 5 "$log"
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
  echo "arm64 under qemu-user-static on $(uname -m) ($(nproc) CPUs), $(date -u +%F), $(tail -n 1 "$out/version.txt" 2>/dev/null || echo "checkout $(git -C "$checkout" rev-parse --short HEAD)")"
  echo
  echo "| step | seconds | exit |"
  echo "| --- | --- | --- |"
  while IFS=$'\t' read -r name seconds rc; do echo "| $name | $seconds | $rc |"; done < "$out/times.tsv"
  for log in "$out"/pytest*.txt; do
    if [ -f "$log" ]; then printf '\n%s: %s\n(%s)\n' "$(basename "$log")" "$(tail -n 1 "$log")" "$(head -n 1 "$log")"; fi
  done
  if [ -s "$out/fix.json" ]; then
    echo
    echo "fix: $(python3 - "$out/fix.json" <<'PY' 2>/dev/null || echo 'see fix.log'
import json, statistics, sys
r = json.load(open(sys.argv[1]))
calls = r.get("calls") or []
def median(key):
    values = [c[key] for c in calls if c.get(key)]
    return f"{statistics.median(values):.1f}" if values else "?"
tokens = r.get("tokens") or {}
print(f"{r.get('status')} ({r.get('reason') or r.get('tests')}); {len(calls)} model call(s), "
      f"{tokens.get('prompt_tokens_evaluated')} prompt tokens evaluated at a median {median('prefill_tok_s')} tok/s, "
      f"{tokens.get('generated_tokens')} generated at {median('gen_tok_s')} tok/s; "
      f"codey's total {(r.get('timings') or {}).get('total_s')} s")
PY
)"
  fi
} | tee "$out/summary.md"
