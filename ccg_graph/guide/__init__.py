"""The research guide (``docs/research-guide.md``): worked questions answered on the real graph through
`ccg_graph.client.Client`, each with its saved query, its answer as a small table and a matplotlib figure.

Regenerate it with ``make guide`` (``python -m ccg_graph.guide``), which serves the built graph on a
loopback port for the duration, or point it at any endpoint holding the graph with ``--endpoint``.
"""
