"""How the build states an organisation as an ODS release lists it, and a change from some organisations to another.

Commissioning hubs, NHS trusts and GP practices are each described this way, in the graph of the newest ODS
release that lists them (a source record), so that one query shape finds the dates and names of all three.
A change (a CCG merger, the 2013 establishment of the CCGs) is a W3C ORG ``org:ChangeEvent``: one shape for
every kind, so a query follows ``org:originalOrganization`` / ``org:resultingOrganization`` the same way.
"""

from __future__ import annotations

from datetime import date

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.core.namespaces import PROV_NS as PROV
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.national.context import midnight
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


def write_change_event(
    out: GraphWriter, event: URIRef, cls: URIRef, label: str, effective: date, result: URIRef
) -> None:
    """The event, its label and date (as a day, as the instant it took effect and as an activity that started and
    ended at that instant), and the organisation it made; the organisations it changed follow, one
    `write_original` each."""
    out.type(event, cls)
    out.label(event, RDFS + "label", label)
    out.add(event, CCG.effectiveDate, effective)
    out.add(event, PROV + "atTime", midnight(effective))
    out.add(event, PROV + "startedAtTime", midnight(effective))
    out.add(event, PROV + "endedAtTime", midnight(effective))
    out.add(event, ORG + "resultingOrganization", result)
    out.add(result, ORG + "resultedFrom", event)


def write_original(out: GraphWriter, event: URIRef, original: URIRef) -> None:
    """One organisation that ``event`` changed, linked both ways."""
    out.add(event, ORG + "originalOrganization", original)
    out.add(original, ORG + "changedBy", event)
