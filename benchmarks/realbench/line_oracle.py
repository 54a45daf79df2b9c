"""The one-line-fix oracle: given each realbench task's broken line (as a perfect localizer would
name it), how often does the coder write a line that makes the task's failing tests pass?

    python -m benchmarks.realbench.line_oracle [ID,...]      # N=6 TEMP=0.8 OUT=... in the environment

No codey in the loop: the prompt has the wording of codey_git/engine/line_fixes.py, the failure is
pytest's --tb=short output of the task's failing tests on the mutated file. Each distinct answer
is judged by those failing tests only (not the whole suite), so this is an upper bound for the
line_fixes stage. It writes the mutated file into the cached pristine repository and puts it back.
"""
import ast
import json
import os
import subprocess
import sys
import time
import re
from pathlib import Path
import yaml
from llama_cpp import Llama

BENCH = Path.home() / ".cache/codey-bench/repos"
HERE = Path(__file__).parent
tasks = yaml.safe_load(open(HERE / "tasks.yml"))["tasks"]
SRC = {name for name, p in yaml.safe_load(open(HERE / "projects.yml"))["projects"].items() if p.get("src_layout")}
only = sys.argv[1].split(",") if len(sys.argv) > 1 and sys.argv[1] else None
N = int(os.environ.get("N", "6"))
TEMP = float(os.environ.get("TEMP", "0.8"))
llm = Llama(model_path=str(Path.home() / ".cache/codey/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"), n_ctx=4096, n_threads=2, verbose=False)

def ENV(t):
    e = dict(os.environ)
    if t["project"] in SRC:
        e["PYTHONPATH"] = "src"
    return e

def failure(t, repo, text):
    path = repo / t["file"]
    orig = path.read_text()
    try:
        path.write_text(text)
        out = subprocess.run([str(repo / ".venv/bin/python"), "-m", "pytest", "-q", "--tb=short", "-p", "no:cacheprovider", *t["failing"][:3]],
                             cwd=repo, capture_output=True, text=True, timeout=120, env=ENV(t)).stdout
    finally:
        path.write_text(orig)
    lines = out.splitlines()
    # the short tracebacks, at most 30 lines
    body = [l for l in lines if not l.startswith(("====", "FAILED", "PASSED")) and l.strip()]
    return "\n".join(body[:30])

def context(text, line):
    tree = ast.parse(text)
    best = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= node.end_lineno:
            if best is None or node.lineno > best.lineno:
                best = node
    lines = text.splitlines()
    lo, hi = (best.lineno, best.end_lineno) if best else (line - 8, line + 8)
    lo, hi = max(lo, line - 15), min(hi, line + 10)
    return best.name if best else "?", "\n".join(f"{n:>5}{'>>' if n == line else '  '} {lines[n-1]}" for n in range(lo, hi + 1))

rows = []
for t in tasks:
    if only and t["id"] not in only:
        continue
    repo = BENCH / t["project"]
    orig_text = (repo / t["file"]).read_text()
    L = orig_text.splitlines()
    assert L[t["line"] - 1] == t["original"], t["id"]
    L[t["line"] - 1] = t["mutated"]
    mutated = "\n".join(L) + "\n"
    fail = failure(t, repo, mutated)
    name, ctx = context(mutated, t["line"])
    prompt = (f"A test fails:\n```\n{fail}\n```\n\nIn {t['file']}, function `{name}` (line numbers on the left; >> marks line {t['line']}):\n"
              f"```python\n{ctx}\n```\n\nLine {t['line']} is the most likely place of the bug:\n```python\n{t['mutated'].strip()}\n```\n"
              f"Write line {t['line']} corrected: one line of Python that makes the test pass, different from the line above. Answer with the line only, in a ```python block.")
    msgs = [{"role": "system", "content": "You are an expert Python developer fixing a bug."}, {"role": "user", "content": prompt}]
    t0 = time.time()
    cands = []
    gen = ptok = 0
    for i in range(N):
        out = llm.create_chat_completion(msgs, max_tokens=60, temperature=0.0 if i == 0 else TEMP, seed=i, stop=["\n```\n"])
        txt = out["choices"][0]["message"]["content"]
        gen += out["usage"]["completion_tokens"]
        ptok = out["usage"]["prompt_tokens"]
        m = re.search(r"```(?:python)?\n(.*?)(?:\n```|$)", txt, re.S)
        line = (m.group(1) if m else txt).strip().splitlines()
        line = next((x for x in line if x.strip() and not x.strip().startswith("#")), "")
        line = re.sub(r"^\s*\d+\s*(>>)?\s", "", line)
        cands.append(line.strip())
    passing = []
    indent = t["mutated"][: len(t["mutated"]) - len(t["mutated"].lstrip())]
    for c in dict.fromkeys(cands):
        if not c or re.sub(r"\s+", "", c) == re.sub(r"\s+", "", t["mutated"]):
            continue
        L2 = mutated.splitlines()
        L2[t["line"] - 1] = indent + c
        path = repo / t["file"]
        try:
            path.write_text("\n".join(L2) + "\n")
            r = subprocess.run([str(repo / ".venv/bin/python"), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *t["failing"]], cwd=repo, capture_output=True, text=True, timeout=120, env=ENV(t))
        finally:
            path.write_text(orig_text)
        if r.returncode == 0:
            passing.append(c)
    ok = [c for c in cands if re.sub(r"\s+", "", c) == re.sub(r"\s+", "", t["original"])]
    echo = sum(re.sub(r"\s+", "", c) == re.sub(r"\s+", "", t["mutated"]) for c in cands)
    row = dict(id=t["id"], kind=t["kind"], style=t["style"], hit=bool(ok), passing=passing, first=cands[0] if cands else "", hits=len(ok), echo=echo, distinct=len(set(cands)),
               prompt_tokens=ptok, gen=gen, s=round(time.time() - t0, 1), original=t["original"].strip(), mutated=t["mutated"].strip(), cands=cands)
    rows.append(row)
    print(f"{t['id']:15} {t['kind']:22} pass={len(passing)} hit={row['hits']}/{N} echo={echo} distinct={row['distinct']} p={ptok} g={gen} {row['s']}s", flush=True)
json.dump(rows, open(os.environ.get("OUT", str(HERE / "results" / "line_oracle.json")), "w"), indent=1)
print("PASS", sum(bool(r["passing"]) for r in rows), "HIT", sum(r["hit"] for r in rows), "/", len(rows), "first-greedy", sum(re.sub(r"\s+","",r["first"])==re.sub(r"\s+","",r["original"]) for r in rows))
