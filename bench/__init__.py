"""The ccg-graph benchmark harness: speed, memory and scale measured side by side with the anchors, as ratios.

Run it with ``python -m bench`` (or ``make bench`` / ``make bench-quick``). Everything is measured through the
public surfaces (the ``ccg-graph`` command, HTTP on the loopback, the package's store), so the harness keeps
working as the internals change. See bench/README.md for the figures and how they were taken.
"""
