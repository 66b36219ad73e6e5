"""Moved to `ccg_graph.writes.steward`: this path is kept for one release (it is the same module object)."""

import sys

from ccg_graph.writes import steward as _moved
from ccg_graph.writes.steward import *  # noqa: F403 (the same names, for type checkers and readers)

sys.modules[__name__] = _moved
