"""What machine a benchmark ran on, for the results files and docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")
