"""The dataset described in VoID and DCAT: licence, sources, named graphs with their sizes, the SPARQL
endpoint and the dumps with their checksums (SPDX). Served at ``/dataset`` and ``/.well-known/void``.

The description is computed from the store (graph sizes, sources and builds from the provenance graph) and
the dump files; `base` is the absolute URL of this service, because endpoint and download URLs are places,
not identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ccg_graph import __version__
from ccg_graph.core.namespaces import DATASET_IRI, DEF_BASE, ID_BASE, ONTOLOGY_IRI
from ccg_graph.core.namespaces import DCAT_NS as DCAT
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import PROV_NS as PROV
from ccg_graph.core.namespaces import RDF_NS as RDF
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import VOID_NS as VOID
from ccg_graph.core.namespaces import XSD_NS as XSD
from ccg_graph.linked_data.dumps import DUMPS, DumpFiles
from ccg_graph.linked_data.lookup import rows, value
from ccg_graph.store import Store

SPDX = "http://spdx.org/rdf/terms#"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
VOCABULARIES = [
    DEF_BASE,
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/2004/02/skos/core#",
    PROV,
    DCT,
    "http://www.w3.org/2006/time#",
]
EXAMPLES = ["ccg/03V", "ccg/78H", "icb/QPM", "region/Y60", "practice/K83002"]


@dataclass(frozen=True)
class GraphSize:
    iri: str
    label: str
    triples: int
    basis: str = ""  # the graph's ccg:basis: how its statements are known


def graph_sizes(store: Store) -> list[GraphSize]:
    found = rows(
        store,
        """SELECT ?g ?n (SAMPLE(?l) AS ?label) (SAMPLE(?b) AS ?basis) WHERE {
             { SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g }
             OPTIONAL { ?g rdfs:label ?l } OPTIONAL { ?g ccg:basis ?b } }
           GROUP BY ?g ?n ORDER BY ?g""",
    )
    return [
        GraphSize(value(r["g"]) or "", value(r["label"]) or "", int(value(r["n"]) or 0), value(r["basis"]) or "")
        for r in found
    ]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=_n(XSD + "integer"))


def describe_dataset(store: Store, dumps: DumpFiles, base: str, quads: int, sizes: list[GraphSize]) -> list[ox.Triple]:
    """The VoID + DCAT description of the dataset served at `base`."""
    base = base.rstrip("/")
    ds = _n(DATASET_IRI)
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> None:
        triples.append(ox.Triple(s, _n(p), o))

    for kind in (VOID + "Dataset", DCAT + "Dataset"):
        add(ds, RDF + "type", _n(kind))
    add(ds, DCT + "title", ox.Literal("ccg-graph: NHS England commissioning, 2013-2022", language="en"))
    add(
        ds,
        DCT + "description",
        ox.Literal(
            "A linked-data knowledge graph of Clinical Commissioning Groups (2013-2022): their lineage from primary "
            "care trusts to integrated care boards, governing bodies, member practices, NHS England oversight, "
            "local authority overlaps and services, each fact in the named graph of its source release.",
            language="en",
        ),
    )
    add(ds, DCT + "license", _n(OGL))
    add(ds, DCT + "hasVersion", ox.Literal(__version__))
    add(ds, DCAT + "landingPage", _n(base + "/"))
    add(ds, VOID + "sparqlEndpoint", _n(base + "/sparql"))
    add(ds, VOID + "uriSpace", ox.Literal(ID_BASE))
    add(ds, VOID + "triples", _int(quads))
    add(ds, DCT + "conformsTo", _n(ONTOLOGY_IRI))
    for vocabulary in VOCABULARIES:
        add(ds, VOID + "vocabulary", _n(vocabulary))
    for example in EXAMPLES:
        add(ds, VOID + "exampleResource", _n(ID_BASE + example))

    service = _n(DATASET_IRI + "#sparql")
    add(service, RDF + "type", _n(DCAT + "DataService"))
    add(service, DCT + "title", ox.Literal("SPARQL 1.1 query endpoint", language="en"))
    add(service, DCAT + "endpointURL", _n(base + "/sparql"))
    add(service, DCAT + "servesDataset", ds)
    add(ds, DCAT + "accessService", service)

    for dump in DUMPS.values():
        path = dumps.path(dump.name)
        dist = _n(DATASET_IRI + "#" + dump.name.replace(".", "-"))
        url = _n(f"{base}/download/{dump.name}")
        add(ds, DCAT + "distribution", dist)
        add(ds, VOID + "dataDump", url)
        add(dist, RDF + "type", _n(DCAT + "Distribution"))
        add(dist, DCT + "title", ox.Literal(dump.title, language="en"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "mediaType", _n("https://www.iana.org/assignments/media-types/" + dump.media_type))
        add(dist, DCAT + "compressFormat", _n("https://www.iana.org/assignments/media-types/application/gzip"))
        add(dist, DCAT + "byteSize", _int(path.stat().st_size))
        add(dist, DCT + "license", _n(OGL))
        checksum = _n(DATASET_IRI + "#" + dump.name.replace(".", "-") + "-sha256")
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF + "type", _n(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", _n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", ox.Literal(dumps.checksum(path), datatype=_n(XSD + "hexBinary")))

    for size in sizes:
        graph = _n(size.iri)
        add(ds, VOID + "subset", graph)
        add(graph, RDF + "type", _n(VOID + "Dataset"))
        add(graph, VOID + "triples", _int(size.triples))
        if size.label:
            add(graph, RDFS + "label", ox.Literal(size.label, language="en"))
        if size.basis:
            add(graph, DEF_BASE + "basis", _n(size.basis))

    for row in rows(
        store,
        "SELECT DISTINCT ?src ?title WHERE { ?src a dcat:Distribution ; dcterms:title ?title } ORDER BY ?src",
    ):
        source = row["src"]
        if isinstance(source, ox.Literal):
            continue  # a dcat:Distribution is a resource; a literal there is not one
        add(ds, DCT + "source", source)
        add(source, DCT + "title", row["title"])
    for row in rows(store, "SELECT DISTINCT ?b WHERE { ?b a prov:Activity ; prov:used ?x } ORDER BY ?b"):
        add(ds, PROV + "wasGeneratedBy", row["b"])
    return triples
