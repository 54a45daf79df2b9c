# the fast path for rule-routed tool requests first; the typer command line otherwise
from codey_git.entry import main

if __name__ == "__main__":
    main()
