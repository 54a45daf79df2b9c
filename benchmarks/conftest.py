# The fixbench tasks are sample repositories whose tests fail on purpose; `pytest benchmarks/`
# must never collect them. (The project's own tests live in tests/, see pyproject testpaths.)
collect_ignore_glob = ["fixbench/tasks/*"]
