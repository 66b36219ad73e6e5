"""Moved to `ccg_graph.validation` (the package is the one facade): this path is kept for one release.

It is the same module object as the package, so everything the facade exports imports from here as before.
"""

import sys

from ccg_graph import validation as _moved
from ccg_graph.validation import *  # noqa: F403 (the same names, for type checkers and readers)

sys.modules[__name__] = _moved
