"""The Router section of docs/benchmarks.md, from one benchmark run."""

from __future__ import annotations

from pathlib import Path

from benchmarks.router.measure import percentile

DOCS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
HEADING = "## Router"
SET_FILES = {"requests": "benchmarks/router/requests.yml", "heldout": "benchmarks/router/heldout.yml"}


def _share(rows: list[dict], source: str) -> str:
    part = [r for r in rows if r["source"] == source]
    if not part:
        return f"| {source} | 0 | - | - | - |"
    ms = [r["ms"] for r in part]
    right = sum(r["ok"] for r in part)
    return (f"| {source} | {len(part)} | {right}/{len(part)} | {percentile(ms, 50):.2f} | "
            f"{percentile(ms, 95):.2f} |")


def _accuracy(rows: list[dict], name: str) -> str:
    right = sum(r["ok"] for r in rows)
    tricky = [r for r in rows if r["tricky"]]
    ms = [r["ms"] for r in rows]
    return (f"| {name} (`{SET_FILES.get(name, name)}`) | {len(rows)} | **{right}/{len(rows)} = "
            f"{100 * right / len(rows):.1f}%** | {sum(r['ok'] for r in tricky)}/{len(tricky)} | "
            f"{percentile(ms, 50):.2f} | {percentile(ms, 95):.2f} |")


def markdown(result: dict) -> str:
    rows, m, e2e = result["rows"], result["machine"], result["e2e"]
    sets = result.get("sets") or ["requests"]
    ms = [r["ms"] for r in rows]
    who = f"`{result['model']}` ({result['backend']})" if result["model"] else "no model (rules only)"
    command = ("python -m benchmarks.router --no-model" if not result["model"]
               else f"python -m benchmarks.router --model {result['model']}")
    lines = [
        HEADING, "",
        f"`{command}` — {m['date']}, {m['cpu']}, {m['cores']} cores, Python {m['python']} "
        f"(1-minute load average {m['load']:.1f} when the run started).",
        f"Router model: {who}. Accuracy counts the label, and files/lines where the set names them; "
        "\"tricky\" requests are written so that no exact form or leading verb decides them.", "",
        "| set | requests | right | tricky right | p50 ms | p95 ms |", "|---|---|---|---|---|---|",
        *[_accuracy([r for r in rows if r["set"] == name], name) for name in sets], "",
        "- Routing latency in process" + (" with the model resident" if result["model"] else "") +
        f", all {len(rows)} requests: p50 **{percentile(ms, 50):.2f} ms**, p95 **{percentile(ms, 95):.2f} ms**"
        + (f" (model load and prompt-prefix warm-up before the run: {result['warmup_ms']:.0f} ms)."
           if result.get("warmup_ms") else "."),
    ]
    if e2e:
        lines.append(
            f"- `python -m codey_git \"git status\" --yes` from a shell, end to end: p50 **{e2e['codey']['p50']:.0f} ms**, "
            f"p95 {e2e['codey']['p95']:.0f} ms over {e2e['codey']['runs']} runs (same runs: `python -c pass` "
            f"p50 {e2e['python']['p50']:.0f} ms, `git status` p50 {e2e['git']['p50']:.0f} ms).")
    lines += ["", "| decided by (both sets) | requests | right | p50 ms | p95 ms |", "|---|---|---|---|---|",
              _share(rows, "rules"), _share(rows, "model"), _share(rows, "fallback"), ""]
    if result.get("note"):
        lines += [f"Note: {result['note']}", ""]
    misses = [r for r in rows if not r["ok"]]
    if misses:
        lines += ["Misrouted:", ""] + [f"- {r['set']}: \"{r['text']}\": wanted {r['want']}, got {r['got']} "
                                         f"({r['source']})" for r in misses] + [""]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    """Replace the Router section; a `### ` subsection already in it (hand-written history) is kept."""
    text = DOCS.read_text()
    start = text.index(HEADING + "\n")
    end = text.find("\n## ", start + len(HEADING))
    end = len(text) if end == -1 else end + 1
    old = text[start:end]
    kept = old[old.index("\n### ") + 1:].rstrip() + "\n\n" if "\n### " in old else ""
    DOCS.write_text(text[:start] + section.rstrip() + "\n\n" + kept + text[end:])
