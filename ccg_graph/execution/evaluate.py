"""Moved to `ccg_graph.execution.worker` (the worker's evaluation and its loop are one module): this path is
kept for one release (it is the same module object)."""

import sys

from ccg_graph.execution import worker as _moved
from ccg_graph.execution.worker import *  # noqa: F403 (the same names, for type checkers and readers)

sys.modules[__name__] = _moved
