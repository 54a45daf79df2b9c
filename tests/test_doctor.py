"""`git codey doctor`: the machine, what blocks a run (with what to do, and exit 1), an invalid
configuration (exit 2), and the suggested configuration for small boards."""

from __future__ import annotations

import json
import sys

from conftest import write_files
from fixrepo import CALC

from codey_git.doctor import checks as c
from codey_git.doctor.suggest import memory_budget_mb, suggest
from codey_git.doctor.system import LlamaInfo, SystemFacts, fast_cores, parse_system_info
from codey_git.models.registry import Registry

TESTS = f"{sys.executable} -m pytest -q -p no:cacheprovider"
SCRIPTED = {"CODEY_BACKEND": "scripted", "CODEY_TEST_COMMAND": TESTS}


def test_doctor_json_describes_the_machine_and_nothing_blocks(make_repo, codey):
    root = make_repo(CALC)
    out = codey(root, "doctor", "--json", env=SCRIPTED)
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    system = report["system"]
    assert system["arch"] and system["cores"] >= 1 and system["ram_mb"] > 0 and system["versions"]["pygit2"]
    assert system["llama"]["installed"] and system["llama"]["features"]  # llama.cpp's own system info
    checks = {check["name"]: check for check in report["checks"]}
    assert {"config", "python", "git", "llama.cpp", "compiler", "memory", "disk", "sandbox", "tests"} <= set(checks)
    assert checks["tests"]["status"] == "ok" and "1 passed, 1 failed" in checks["tests"]["detail"]
    assert {m["name"] for m in report["models"]} >= {"qwen2.5-coder-1.5b", "smollm2-135m"}
    assert report["suggested_config"]["n_threads"] >= 1 and report["blocking"] == 0
    assert not (root / ".git" / "codey" / "doctor").exists()  # its scratch worktree is gone


def test_a_test_command_that_cannot_run_blocks_with_exit_1_and_says_what_to_do(make_repo, codey):
    root = make_repo(CALC)
    out = codey(root, "doctor", env={**SCRIPTED, "CODEY_TEST_COMMAND": "no-such-runner -q"})
    assert out.returncode == 1, out.stdout + out.stderr
    assert "[FAIL] tests: `no-such-runner -q`" in out.stdout
    assert "-> " in out.stdout and "1 problem(s) block a run: tests" in out.stdout
    assert "suggested configuration" in out.stdout and "n_threads:" in out.stdout


def test_an_invalid_configuration_is_exit_2_and_the_rest_is_still_checked(make_repo, codey):
    root = make_repo(CALC)
    write_files(root, {".codey.yml": "attempts: 0\n"})
    out = codey(root, "doctor", "--no-tests", env={"CODEY_BACKEND": "scripted"})
    assert out.returncode == 2, out.stdout + out.stderr
    assert "[FAIL] config: " in out.stdout and "attempts" in out.stdout and "[ok  ] git:" in out.stdout


def facts(
    ram_mb: int,
    free_mb: int,
    *,
    arch="aarch64",
    features=("NEON", "DOTPROD"),
    flags=("asimd", "asimddp"),
    error=None,
    cores=8,
    fast=4,
) -> SystemFacts:
    return SystemFacts(
        os="Debian GNU/Linux 12",
        arch=arch,
        cpu="Cortex-A76",
        cores=cores,
        threads=cores,
        fast_cores=fast,
        cpu_flags=list(flags),
        ram_mb=ram_mb,
        free_ram_mb=free_mb,
        models_dir="/models",
        disk_free_mb=50_000,
        versions={},
        git="2.39",
        compilers={"cc": "/usr/bin/cc", "cmake": None},
        llama=LlamaInfo(True, "0.3.36", list(features), error=error),
    )


def test_the_suggestion_fits_the_board_and_leaves_the_os_room():
    registry = Registry()
    board = suggest(facts(8192, 7000), registry)  # an 8 GB Pi 5 / Orange Pi 5
    assert board.coder == "qwen2.5-coder-1.5b" and board.context_size == 8192 and board.n_threads == 4
    assert board.memory_budget_mb == memory_budget_mb(8192, 7000) == 6528  # 8 GB less 20% for the OS
    small = suggest(facts(2048, 1800), registry)  # a 2 GB board: the 0.5B coder
    assert small.coder == "qwen2.5-coder-0.5b" and small.memory_budget_mb == 1024
    assert "coder: qwen2.5-coder-0.5b" in small.yaml()
    tiny = suggest(facts(1024, 900), registry)
    assert tiny.coder is None and "backend: openai" in tiny.yaml()


def test_too_little_ram_and_a_llama_build_for_another_cpu_block_a_run():
    registry, config = Registry(), _config()
    tiny = facts(1024, 900)
    [memory] = c.memory_checks(tiny, config, registry, suggest(tiny, registry))
    assert memory.status == c.BLOCK and "too little RAM for the smallest coder" in memory.detail
    wrong = facts(8192, 7000, arch="x86_64", features=("AVX2", "AVX512"), flags=("avx", "avx2", "fma"))
    check = c.llama_check(wrong, "llama_cpp")
    assert check.status == c.BLOCK and "AVX512" in check.detail and "GGML_NATIVE=ON" in check.fix
    sigill = facts(8192, 7000, error="llama-cpp-python dies with SIGILL (illegal instruction)")
    assert c.llama_check(sigill, "llama_cpp").status == c.BLOCK
    assert c.llama_check(sigill, "openai").status == c.NOTE  # a shared server does the inference
    assert c.llama_check(facts(8192, 7000), "llama_cpp").status == c.OK  # NEON and DOTPROD on an A76
    assert c.compiler_check(facts(8192, 7000), "llama_cpp").status == c.NOTE  # no CMake, but llama works


def test_llama_system_info_and_big_little_cores(tmp_path):
    arm = "CPU : NEON = 1 | ARM_FMA = 1 | FP16_VA = 1 | MATMUL_INT8 = 0 | DOTPROD = 1 | OPENMP = 1 |"
    assert parse_system_info(arm) == ["NEON", "ARM_FMA", "FP16_VA", "DOTPROD", "OPENMP"]
    for cpu, khz in enumerate([1800000] * 4 + [2256000, 2256000, 2400000, 2400000]):  # RK3588
        (tmp_path / f"cpu{cpu}" / "cpufreq").mkdir(parents=True)
        (tmp_path / f"cpu{cpu}" / "cpufreq" / "cpuinfo_max_freq").write_text(f"{khz}\n")
    assert fast_cores(tmp_path) == 4
    assert fast_cores(tmp_path / "none") is None


def _config():
    from codey_git.config import load_config

    return load_config(None, environ={})


X86_CPUINFO = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse avx2 fma\n"
ARM_CPUINFO = "processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd asimddp\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n"


def test_cpu_flags_come_only_from_a_cpuinfo_of_this_machines_architecture():
    # under qemu-user (docker --platform linux/arm64 on an x86 host) /proc/cpuinfo is the host's:
    # its x86 flags said a NEON build of llama.cpp could not run, and doctor blocked a working setup
    from codey_git.doctor.system import cpu_flags

    assert cpu_flags(X86_CPUINFO, "x86_64") == ["avx2", "fma", "fpu", "sse"]
    assert cpu_flags(ARM_CPUINFO, "aarch64") == ["asimd", "asimddp", "fp"]
    assert cpu_flags(X86_CPUINFO, "aarch64") is None
    assert cpu_flags(ARM_CPUINFO, "x86_64") is None
