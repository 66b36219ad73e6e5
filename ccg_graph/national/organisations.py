"""How the build states an organisation as an ODS release lists it: class, ODS code, name, open and close dates.

Commissioning hubs, NHS trusts and GP practices are each described this way, in the graph of the newest ODS
release that lists them (a source record), so that one query shape finds the dates and names of all three.
"""

from __future__ import annotations

from datetime import date

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG
from ccg_graph.national.emit import GraphWriter


def write_ods_organisation(
    out: GraphWriter,
    iri: URIRef,
    cls: URIRef,
    code: str,
    name: str,
    open_date: date | None,
    close_date: date | None,
) -> None:
    """Type ``iri`` as ``cls`` with its ODS code, name and dates; a missing date is left out, not guessed."""
    out.type(iri, cls)
    out.add(iri, CCG.odsCode, code)
    out.name(iri, name)
    out.add(iri, CCG.openDate, open_date)
    out.add(iri, CCG.closeDate, close_date)
