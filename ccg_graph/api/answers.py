"""Moved to `ccg_graph.api.routes.sparql` (a query's answer is made by the route that reads it, so the path
of a query crosses one module of `api/`): this path is kept for one release (it is the same module object)."""

import sys

from ccg_graph.api.routes import sparql as _moved
from ccg_graph.api.routes.sparql import *  # noqa: F403 (the same names, for type checkers and readers)

sys.modules[__name__] = _moved
