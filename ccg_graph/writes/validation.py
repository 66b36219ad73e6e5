"""Moved to `ccg_graph.writes.gate`: this path is kept for one release (it is the same module object)."""

import sys

from ccg_graph.writes import gate as _moved
from ccg_graph.writes.gate import *  # noqa: F403 (the same names, for type checkers and readers)

sys.modules[__name__] = _moved
