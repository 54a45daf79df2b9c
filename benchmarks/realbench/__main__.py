"""python -m benchmarks.realbench: see run.py."""

import sys

from benchmarks.realbench.run import main

sys.exit(main())
