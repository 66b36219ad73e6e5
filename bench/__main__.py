"""``python -m bench``: run the benchmark harness."""

from bench.runner import main

raise SystemExit(main())
