"""Review benchmark: recall on diffs that introduce a known bug, false alarms on harmless diffs, and
the time a pre-commit review takes. Run ``python -m benchmarks.review --model NAME``."""
