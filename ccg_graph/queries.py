"""Moved to `ccg_graph.sparql.saved_queries`: this path is kept for one release (it is the same module object)."""

import sys

from ccg_graph.sparql import saved_queries as _moved
from ccg_graph.sparql.saved_queries import *  # noqa: F403 (the same names, for type checkers and readers)

sys.modules[__name__] = _moved
