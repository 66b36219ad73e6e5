"""How the graph's IRIs map onto this service's paths, and back.

The data keeps its published IRIs (``https://w3id.org/ccg-graph/...``); only links in pages and HTTP headers
point at the running host. The mapping, relative to the namespace base:

================================================  ======================================
IRI                                               path on this service
================================================  ======================================
``https://w3id.org/ccg-graph/id/ccg/03V``         ``/id/ccg/03V``
``https://w3id.org/ccg-graph/def``                ``/def`` (the whole ontology)
``https://w3id.org/ccg-graph/def#successor``      ``/def/successor``
``https://w3id.org/ccg-graph/shapes#X``           ``/shapes/X``
``https://w3id.org/ccg-graph/dataset``            ``/dataset`` (VoID and DCAT)
================================================  ======================================

Every other IRI (W3C vocabularies, legislation, ONS) stays as it is.
"""

from __future__ import annotations

from urllib.parse import quote

from ccg_graph.core.namespaces import DATASET_IRI, DEF_BASE, ID_BASE, ONTOLOGY_IRI, SHAPES_IRI

#: The namespace base every local IRI starts with.
NAMESPACE_BASE = "https://w3id.org/ccg-graph/"


def local_path(iri: str) -> str | None:
    """The path on this service that answers for `iri`, or None when the IRI is not ours."""
    if iri.startswith(DEF_BASE):
        return "/def/" + quote(iri[len(DEF_BASE) :], safe="")
    if iri == ONTOLOGY_IRI:
        return "/def"
    if iri == DATASET_IRI or iri.startswith(DATASET_IRI + "#"):
        return "/dataset" + iri[len(DATASET_IRI) :]
    if iri.startswith(SHAPES_IRI + "#"):
        return "/shapes/" + quote(iri[len(SHAPES_IRI) + 1 :], safe="")
    if iri.startswith(ID_BASE):
        return "/id/" + quote(iri[len(ID_BASE) :], safe="/-._~")
    return None


def local_url(iri: str, public_base: str = "") -> str:
    """A link for `iri` in a page: its local path (under `public_base` if set), else the IRI itself."""
    path = local_path(iri)
    if path is None:
        return iri
    return public_base.rstrip("/") + path


def iri_for_id_path(rest: str) -> str:
    """``ccg/03V`` (the part after ``/id/``) -> its IRI."""
    return ID_BASE + rest


def iri_for_def_term(name: str) -> str:
    return DEF_BASE + name


def iri_for_shape(name: str) -> str:
    return SHAPES_IRI + "#" + name
