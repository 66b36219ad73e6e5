"""ccg-graph: a linked-data knowledge graph of NHS commissioning in England (CCGs, 2013-2022)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ccg-graph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
