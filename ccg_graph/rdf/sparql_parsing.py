"""rdflib's SPARQL parser, made safe to call from several threads at once.

rdflib parses SPARQL with pyparsing, whose grammar objects keep parse state (the packrat cache, the results
being built) on themselves: two threads parsing at once corrupt each other's parse, and the server answered
500 with ``TypeError: Param.postParse2() missing 1 required positional argument`` when the shapes were being
compiled in the background while the first write compiled them too, or while a ``/validate`` ran beside a
write. Every SPARQL parse in the process (ours, pySHACL's through rdflib's processor, SPARQL Update) goes
through `parse_query` / `parse_update`, which hold one process-wide lock; `install` makes rdflib's own entry
points do the same, so library code that parses through them is covered too. Parses are short (milliseconds;
the prepared-query cache in `ccg_graph.validation.engine` parses each text once), so the lock costs little.
"""

from __future__ import annotations

import threading
from typing import Any

from rdflib.plugins.sparql import parser as _parser
from rdflib.plugins.sparql import processor as _processor

#: Held for the length of every rdflib SPARQL parse in this process (re-entrant: a parse may nest another).
PARSER_LOCK = threading.RLock()

_original_parse_query = _parser.parseQuery
_original_parse_update = _parser.parseUpdate


def parse_query(text: Any) -> Any:
    """rdflib's `parseQuery`, one thread at a time."""
    with PARSER_LOCK:
        return _original_parse_query(text)


def parse_update(text: Any) -> Any:
    """rdflib's `parseUpdate`, one thread at a time."""
    with PARSER_LOCK:
        return _original_parse_update(text)


def install() -> None:
    """Route rdflib's own parser entry points (used by `Graph.query`, `prepareQuery`, pySHACL) through the lock.

    Idempotent; called when the modules that parse SPARQL with rdflib are imported.
    """
    for module in (_parser, _processor):
        module.parseQuery = parse_query  # type: ignore[attr-defined,assignment,unused-ignore]
        module.parseUpdate = parse_update  # type: ignore[attr-defined,assignment,unused-ignore]


install()
