"""The one place pySHACL runs: shapes and ontology loading, and a data graph that parses each query once.

pySHACL hands every SPARQL target and constraint to the data graph as text, and rdflib parses text afresh on
each call (about 20 ms a query with pyparsing). The shapes' queries never change while we run, so the data
graph we give pySHACL is a `PreparedQueryGraph`: an ordinary rdflib `Graph` whose `query` turns a query text
into rdflib's prepared `Query` once and reuses it (rdflib's `Graph.query` accepts prepared queries; the
bindings pySHACL passes are applied at evaluation as before). On a small graph this halves the time of a run.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from threading import Lock
from typing import Any

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.term import Identifier

from ccg_graph.core.namespaces import SHAPES_IRI
from ccg_graph.rdf import sparql_parsing
from ccg_graph.rdf.rdflib_io import read_folder

sparql_parsing.install()  # rdflib parses SPARQL one thread at a time from here on

_QUERY_CACHE: OrderedDict[tuple[str, tuple], Query] = OrderedDict()
_QUERY_CACHE_SIZE = 512
_QUERY_LOCK = Lock()


def prepared(text: str, init_ns: dict | None = None) -> Query:
    """rdflib's prepared form of `text`, parsed once per process (least recently used are dropped)."""
    key = (text, tuple(sorted((init_ns or {}).items())))
    with _QUERY_LOCK:
        query = _QUERY_CACHE.get(key)
        if query is not None:
            _QUERY_CACHE.move_to_end(key)
            return query
    query = prepareQuery(text, initNs=init_ns or {})
    with _QUERY_LOCK:
        _QUERY_CACHE[key] = query
        while len(_QUERY_CACHE) > _QUERY_CACHE_SIZE:
            _QUERY_CACHE.popitem(last=False)
    return query


class PreparedQueryGraph(Graph):
    """An rdflib graph whose SPARQL queries are parsed once per process (see the module docstring)."""

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql":
            query_object = prepared(query_object, dict(initNs) if initNs else None)
            initNs = None
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def as_prepared_graph(triples: Iterable) -> PreparedQueryGraph:
    graph = PreparedQueryGraph()
    for triple in triples:
        graph.add(triple)
    return graph


@lru_cache(maxsize=8)
def _load_cached(folder: str) -> Graph:
    return read_folder(Path(folder))


def load_shapes(shapes_dir: Path) -> Graph:
    """The union of ``shapes/*.ttl`` (cached per folder: the shapes do not change while we run)."""
    return _load_cached(str(shapes_dir.resolve()))


#: Annotation on a shape that can be judged only with the published graph around the data (shapes/index.ttl).
JUDGED_IN_CONTEXT = URIRef(SHAPES_IRI + "#judgedInContext")
SH_DEACTIVATED = URIRef("http://www.w3.org/ns/shacl#deactivated")


@lru_cache(maxsize=8)
def _alone_cached(folder: str) -> Graph:
    shapes = Graph()
    for triple in _load_cached(folder):
        shapes.add(triple)
    for shape in set(shapes.subjects(JUDGED_IN_CONTEXT, Literal(True))):
        shapes.add((shape, SH_DEACTIVATED, Literal(True)))
    return shapes


def load_shapes_for_a_file_alone(shapes_dir: Path) -> Graph:
    """The shapes a file checked on its own is judged by: every shape, less those annotated
    ``ccgsh:judgedInContext true`` (deactivated in a copy), which are about the graph around the file's nodes
    (the national accountability chain) and so are checked only in context (``--against-graph``, writes, the
    build). A file alone is judged by what it says about its own nodes."""
    return _alone_cached(str(shapes_dir.resolve()))


def load_ontology(ontology_dir: Path) -> Graph:
    """The union of ``ontology/*.ttl`` (cached per folder)."""
    return _load_cached(str(ontology_dir.resolve()))


def run_pyshacl(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None,
    *,
    inplace: bool = False,
    focus_nodes: list[str | URIRef] | None = None,
) -> tuple[bool, Graph]:
    """pySHACL as the project runs it (see shapes/index.ttl): no inference, SHACL-AF on, warnings allowed.

    With `inplace` the ontology is mixed into `data` itself (pass a throw-away `PreparedQueryGraph`);
    otherwise pySHACL works on a copy and `data` is left as it was. `focus_nodes` is pySHACL's own option
    (every target still evaluated, then filtered by the list), which the benchmarks compare the incremental
    check against.
    """
    conforms, report, _ = pyshacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
        inplace=inplace,
        focus_nodes=focus_nodes,
    )
    assert isinstance(report, Graph)
    return bool(conforms), report
