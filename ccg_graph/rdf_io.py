"""Moved to `ccg_graph.rdf.rdflib_io`: this path is kept for one release (it is the same module object)."""

import sys

from ccg_graph.rdf import rdflib_io as _moved
from ccg_graph.rdf.rdflib_io import *  # noqa: F403 (the same names, for type checkers and readers)

sys.modules[__name__] = _moved
