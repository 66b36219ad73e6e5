"""The published JSON-LD ``@context``: short, stable keys for every term the graph uses.

Keys for ccg: terms are generated from the ontology in the store (its local name: ``odsCode``, ``openDate``,
``successor`` ...), so the context cannot drift from the ontology. Keys for the W3C terms the graph reuses are
fixed in `REUSED_TERMS` (``name`` is ``skos:prefLabel``, ``memberOf`` is ``org:memberOf`` ...); they win if a
ccg: term ever shares their name, which then keeps its compact IRI (``ccg:x``), so a published key never
changes meaning. Object properties are typed ``@id``; datatype properties with a date or date-time range are
typed with it; labels are English.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ccg_graph.core.namespaces import DCAT_NS as DCAT
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import DEF_BASE, ONTOLOGY_IRI, PREFIXES
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.core.namespaces import OWL_NS as OWL
from ccg_graph.core.namespaces import PROV_NS as PROV
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.core.namespaces import TIME_NS as TIME
from ccg_graph.core.namespaces import XSD_NS as XSD
from ccg_graph.store import Store

_ID = "@id"
_EN = {"@language": "en"}


@dataclass(frozen=True)
class Term:
    """One key of the context: the IRI it stands for, and how its values are written."""

    iri: str
    type: str | None = None  # "@id" or a datatype IRI
    language: str | None = None

    def definition(self) -> str | dict[str, str]:
        if self.type is None and self.language is None:
            return self.iri
        entry = {"@id": self.iri}
        if self.type:
            entry["@type"] = self.type
        if self.language:
            entry["@language"] = self.language
        return entry


def _ref(iri: str) -> Term:
    return Term(iri, type=_ID)


#: W3C terms the graph reuses, with the keys apps read them by. Extend only; never change a key's meaning.
REUSED_TERMS: dict[str, Term] = {
    "name": Term(SKOS + "prefLabel", language="en"),
    "label": Term(RDFS + "label", language="en"),
    "comment": Term(RDFS + "comment", language="en"),
    "definition": Term(SKOS + "definition", language="en"),
    "notation": Term(SKOS + "notation"),
    "inScheme": _ref(SKOS + "inScheme"),
    "broader": _ref(SKOS + "broader"),
    "hasTopConcept": _ref(SKOS + "hasTopConcept"),
    "topConceptOf": _ref(SKOS + "topConceptOf"),
    "memberOf": _ref(ORG + "memberOf"),
    "hasMember": _ref(ORG + "hasMember"),
    "hasUnit": _ref(ORG + "hasUnit"),
    "unitOf": _ref(ORG + "unitOf"),
    "subOrganizationOf": _ref(ORG + "subOrganizationOf"),
    "hasSubOrganization": _ref(ORG + "hasSubOrganization"),
    "hasPost": _ref(ORG + "hasPost"),
    "postIn": _ref(ORG + "postIn"),
    "heldBy": _ref(ORG + "heldBy"),
    "reportsTo": _ref(ORG + "reportsTo"),
    "changedBy": _ref(ORG + "changedBy"),
    "resultedFrom": _ref(ORG + "resultedFrom"),
    "originalOrganization": _ref(ORG + "originalOrganization"),
    "resultingOrganization": _ref(ORG + "resultingOrganization"),
    "organization": _ref(ORG + "organization"),
    "member": _ref(ORG + "member"),
    "role": _ref(ORG + "role"),
    "memberDuring": _ref(ORG + "memberDuring"),
    "classification": _ref(ORG + "classification"),
    "identifier": Term(DCT + "identifier"),
    "title": Term(DCT + "title", language="en"),
    "description": Term(DCT + "description"),
    "license": _ref(DCT + "license"),
    "publisher": Term(DCT + "publisher"),
    "source": Term(DCT + "source"),
    "date": Term(DCT + "date", type=XSD + "date"),
    "created": Term(DCT + "created", type=XSD + "date"),
    "modified": Term(DCT + "modified", type=XSD + "date"),
    "hasVersion": Term(DCT + "hasVersion"),
    "hasBeginning": _ref(TIME + "hasBeginning"),
    "hasEnd": _ref(TIME + "hasEnd"),
    "inXSDDate": Term(TIME + "inXSDDate", type=XSD + "date"),
    "atTime": Term(PROV + "atTime", type=XSD + "dateTime"),
    "wasDerivedFrom": _ref(PROV + "wasDerivedFrom"),
    "wasGeneratedBy": _ref(PROV + "wasGeneratedBy"),
    "wasAssociatedWith": _ref(PROV + "wasAssociatedWith"),
    "used": _ref(PROV + "used"),
    "subClassOf": _ref(RDFS + "subClassOf"),
    "subPropertyOf": _ref(RDFS + "subPropertyOf"),
    "domain": _ref(RDFS + "domain"),
    "range": _ref(RDFS + "range"),
    "isDefinedBy": _ref(RDFS + "isDefinedBy"),
    "seeAlso": _ref(RDFS + "seeAlso"),
    "inverseOf": _ref(OWL + "inverseOf"),
    "versionInfo": Term(OWL + "versionInfo"),
    "byteSize": Term(DCAT + "byteSize"),
}

_TERMS_QUERY = f"""
PREFIX owl: <{OWL}>
PREFIX rdfs: <{RDFS}>
SELECT ?term ?kind ?range WHERE {{
  GRAPH <{ONTOLOGY_IRI}> {{
    VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
    ?term a ?kind .
    OPTIONAL {{ ?term rdfs:range ?range }}
  }}
  FILTER (STRSTARTS(STR(?term), "{DEF_BASE}"))
}}
"""

#: Datatype ranges that become a type coercion (numbers and booleans are written as JSON numbers instead).
_COERCED_RANGES = {XSD + "date", XSD + "dateTime", XSD + "gYear", XSD + "anyURI"}


def ontology_terms(store: Store) -> dict[str, Term]:
    """Keys for the ccg: classes and properties, from the ontology graph in `store`."""
    result = store.query(_TERMS_QUERY)
    assert result.solutions is not None
    terms: dict[str, Term] = {}
    for row in result.solutions:
        iri = row["term"].value
        kind = row["kind"].value
        range_ = row["range"].value if isinstance(row["range"], ox.NamedNode) else None
        key = iri[len(DEF_BASE) :]
        if kind == OWL + "ObjectProperty":
            term = _ref(iri)
        elif kind == OWL + "DatatypeProperty" and range_ in _COERCED_RANGES:
            term = Term(iri, type=range_)
        else:
            term = Term(iri)
        terms[key] = term
    return dict(sorted(terms.items()))


def build_terms(store: Store) -> dict[str, Term]:
    """Every key of the context: the reused W3C terms, then the ccg: terms that do not clash with them."""
    terms = dict(REUSED_TERMS)
    for key, term in ontology_terms(store).items():
        if key not in terms and key not in PREFIXES:
            terms[key] = term
    return terms


def context_document(terms: dict[str, Term]) -> dict[str, object]:
    """The ``@context`` object: prefixes, ``id``/``type`` aliases and every term."""
    context: dict[str, object] = {"@version": 1.1, "id": "@id", "type": "@type"}
    context.update({prefix: namespace for prefix, namespace in PREFIXES.items() if prefix != "id"})
    for key, term in terms.items():
        context[key] = term.definition()
    return context
