"""SPARQL 1.1 Update turned into a `ChangeSet`, without writing anything.

The published store must not change before the shapes have seen the result, and pyoxigraph applies an
update only by writing it. So the update is evaluated by rdflib's SPARQL Update engine over an overlay:
reads go to the store (through `Store.quads_for_pattern`) minus what earlier operations of the same
request removed plus what they added; writes go to the overlay. The overlay at the end is the change.
The default graph of an update is the store's own default graph (the national data lives in named graphs;
use ``GRAPH`` or ``WITH``), as in the SPARQL 1.1 Update recommendation and Oxigraph's server.

``LOAD`` and ``SERVICE`` would make the server fetch a URL: both are refused unless the URL is on the
allow-list, and allowed ``SERVICE`` clauses are answered through `ccg_graph.sparql.federation` first.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, Dataset, Graph
from rdflib.plugins.sparql import update as rdflib_update
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import QueryContext
from rdflib.store import Store as RdflibStore
from rdflib.term import IdentifiedNode

from ccg_graph.core.errors import BadInput, BadQuery, UnsupportedMediaType
from ccg_graph.core.terms import as_predicate, as_subject, node_to_rdflib, quad_to_ox, to_ox, triple_to_rdflib
from ccg_graph.rdf.parser import RdfLimits, format_for_media_type, guard_update_data, parse_rdf
from ccg_graph.rdf.sparql_parsing import PARSER_LOCK, parse_update
from ccg_graph.sparql.federation import ServiceNotAllowed, inline_services, is_allowed
from ccg_graph.store.base import Store
from ccg_graph.store.changes import ChangeSet

if TYPE_CHECKING:  # rdflib's own names for the types its Store interface takes
    from rdflib.graph import _ContextType, _TriplePatternType, _TripleType

# rdflib fetches the IRI of every FROM, USING and LOAD from the web unless this is off. Off, USING copies
# the named graph from the dataset instead, which is what a store does; LOAD is handled by `_load` below.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def _graph_to_ox(identifier: object) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    if identifier is None or identifier == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return as_subject(to_ox(identifier))


def _graph_to_rdflib(graph_name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> URIRef | BNode:
    if isinstance(graph_name, ox.DefaultGraph):
        return DATASET_DEFAULT_GRAPH_ID
    return node_to_rdflib(graph_name)


class OverlayStore(RdflibStore):
    """An rdflib store reading `base` through the overlay `changes`, writing only to the overlay."""

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, base: Store) -> None:
        super().__init__()
        self.base = base
        self.changes = ChangeSet()
        self._empty_graphs: set[IdentifiedNode] = set()
        self._namespaces: dict[str, URIRef] = {}
        #: While a DELETE/INSERT with USING clauses runs: the named graphs its WHERE may see (rdflib ignores
        #: USING NAMED, and with USING alone the dataset has no named graphs; SPARQL 1.1 Update, 3.1.3).
        self.visible_named: set[object] | None = None

    # -- reading --------------------------------------------------------------------------------------

    def _quads(self, pattern: _TriplePatternType, context: Graph | None) -> Iterator[ox.Quad]:
        subject, predicate, object_ = pattern
        s = None if subject is None else as_subject(to_ox(subject))
        p = None if predicate is None else as_predicate(to_ox(predicate))
        o = None if object_ is None else to_ox(object_)
        graph = None if context is None else _graph_to_ox(context.identifier)
        for quad in self.base.quads_for_pattern(s, p, o, graph):
            if quad not in self.changes.removed:
                yield quad
        for quad in list(self.changes.added):
            if (
                (s is None or quad.subject == s)
                and (p is None or quad.predicate == p)
                and (o is None or quad.object == o)
                and (graph is None or quad.graph_name == graph)
            ):
                yield quad

    def triples(
        self, triple_pattern: _TriplePatternType, context: _ContextType | None = None
    ) -> Iterator[tuple[_TripleType, Iterator[_ContextType | None]]]:
        if any(not isinstance(t, URIRef | BNode | Literal | type(None)) for t in triple_pattern):
            raise BadQuery("property paths in update templates are not supported")
        for quad in self._quads(triple_pattern, context):
            s, p, o = triple_to_rdflib(quad)
            graph: _ContextType = Graph(store=self, identifier=_graph_to_rdflib(quad.graph_name))
            yield (s, URIRef(p), o), iter([graph])

    def __len__(self, context: _ContextType | None = None) -> int:
        return sum(1 for _ in self._quads((None, None, None), context))

    def contexts(self, triple: _TripleType | None = None) -> Generator[_ContextType, None, None]:
        seen: set[object] = set()
        names: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(i) for i in self.base.named_graphs()]
        names += [q.graph_name for q in self.changes.added if not isinstance(q.graph_name, ox.DefaultGraph)]
        for name in names:
            identifier = _graph_to_rdflib(name)
            if identifier in seen:
                continue
            seen.add(identifier)
            if self.visible_named is not None and identifier not in self.visible_named:
                continue
            graph = Graph(store=self, identifier=identifier)
            if triple is None or any(True for _ in self.triples(triple, graph)):
                yield graph
        for empty in self._empty_graphs - seen:
            yield Graph(store=self, identifier=empty)

    # -- writing --------------------------------------------------------------------------------------

    def add(self, triple: _TripleType, context: _ContextType, quoted: bool = False) -> None:
        self.changes.add(quad_to_ox(*triple, _graph_to_ox(getattr(context, "identifier", None))))

    def remove(self, triple_pattern: _TriplePatternType, context: _ContextType | None = None) -> None:
        for quad in list(self._quads(triple_pattern, context)):
            self.changes.remove(quad)

    def add_graph(self, graph: Graph) -> None:
        self._empty_graphs.add(graph.identifier)

    def remove_graph(self, graph: Graph) -> None:
        self.remove((None, None, None), graph)
        self._empty_graphs.discard(graph.identifier)

    # -- namespaces (only what rdflib's evaluator asks for) ----------------------------------------------

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self._namespaces[prefix] = namespace

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return next((p for p, n in self._namespaces.items() if n == namespace), None)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._namespaces.items()


def _check_loads(update: object, allow_list: tuple[str, ...]) -> None:
    for operation in update.algebra:  # type: ignore[attr-defined]
        if operation.name == "Load":
            source = str(operation.iri)
            if not is_allowed(source, allow_list):
                raise ServiceNotAllowed(
                    f"LOAD <{source}> is not allowed: this server only fetches URLs on its allow-list "
                    "(CCG_GRAPH_SERVICE_ALLOW)"
                )


def _load_operation(overlay: OverlayStore, timeout: float, limits: RdfLimits) -> callable:  # type: ignore[valid-type]
    """LOAD of an allow-listed URL: fetched with a size limit, read by the guarded parser, added to the overlay."""

    def load(context: QueryContext, operation: CompValue) -> None:
        source = str(operation.iri)
        request = urllib.request.Request(source, headers={"Accept": "text/turtle, application/n-triples;q=0.9"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read(limits.max_bytes + 1)
            content_type = response.headers.get("content-type") or "text/turtle"
        if len(payload) > limits.max_bytes:
            raise BadQuery(f"LOAD <{source}>: the document is larger than {limits.max_bytes} bytes")
        try:
            parsed = parse_rdf(
                payload,
                format_for_media_type(content_type),
                limits=limits,
                base_iri=source,
                what=f"LOAD <{source}>: the {content_type} document",
            )
        except BadInput as err:
            raise BadQuery(err.reason) from err
        except UnsupportedMediaType as err:
            raise BadQuery(f"LOAD <{source}>: {err}") from err
        graph = ox.NamedNode(str(operation.graphiri)) if operation.graphiri else ox.DefaultGraph()
        for triple in parsed.triples:
            overlay.changes.add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))

    return load


def _check_delete_data(update: object) -> None:
    """Blank nodes may not appear in DELETE DATA (SPARQL 1.1 Update, 3.1.2); rdflib would accept them."""
    for operation in update.algebra:  # type: ignore[attr-defined]
        if operation.name != "DeleteData":
            continue
        triples = list(operation.triples or []) + [t for q in (operation.quads or {}).values() for t in q]
        if any(isinstance(term, BNode) for triple in triples for term in triple):
            raise BadQuery("DELETE DATA may not contain blank nodes (SPARQL 1.1 Update, section 3.1.2)")


def _modify_operation(overlay: OverlayStore) -> callable:  # type: ignore[valid-type]
    """DELETE/INSERT whose WHERE sees only the named graphs of its USING NAMED clauses, when it has USING."""

    def modify(context: QueryContext, operation: CompValue) -> None:
        if operation.using:
            overlay.visible_named = {clause.named for clause in operation.using if clause.named}
        try:
            rdflib_update.evalModify(context, operation)
        finally:
            overlay.visible_named = None

    return modify


def _apply_protocol_dataset(update: object, using: tuple[str, ...], using_named: tuple[str, ...]) -> None:
    """Protocol `using-graph-uri`/`using-named-graph-uri` act as USING clauses on every DELETE/INSERT."""
    if not using and not using_named:
        return
    for operation in update.algebra:  # type: ignore[attr-defined]
        if operation.name != "Modify":
            continue
        if operation.using or operation.withClause:
            raise BadQuery(
                "the update names its dataset (USING or WITH) and the request gives using-graph-uri or "
                "using-named-graph-uri: give one or the other (SPARQL 1.1 Protocol, section 2.2.3)"
            )
        operation.using = [CompValue("UsingClause", default=URIRef(g)) for g in using] + [
            CompValue("UsingClause", named=URIRef(g)) for g in using_named
        ]


def changes_from_update(
    store: Store,
    text: str,
    *,
    allow_list: tuple[str, ...] = (),
    timeout: float = 30.0,
    using: tuple[str, ...] = (),
    using_named: tuple[str, ...] = (),
    base_iri: str | None = None,
    limits: RdfLimits | None = None,
) -> ChangeSet:
    """The change a SPARQL 1.1 Update request would make to `store`, normalised; the store is unchanged.

    Relative IRIs in the update resolve against `base_iri` (the endpoint's URL: SPARQL 1.1 Protocol, 2.2).
    Its ``INSERT DATA`` / ``DELETE DATA`` blocks meet the RDF parser's limits before rdflib reads them.
    """
    limits = limits or RdfLimits()
    guard_update_data(text, limits=limits)
    text = inline_services(text, allow_list, timeout)
    try:
        with PARSER_LOCK:  # translating resolves the parse results pyparsing built, so it is held too
            update = translateUpdate(parse_update(text), base=base_iri)
    except Exception as err:  # pyparsing raises its own exception types
        raise BadQuery(f"SPARQL Update syntax error: {err}") from err
    if not getattr(update, "algebra", None):
        return ChangeSet()  # an empty update is valid SPARQL (the grammar allows it) and changes nothing
    _check_loads(update, allow_list)
    _check_delete_data(update)
    _apply_protocol_dataset(update, using, using_named)
    overlay = OverlayStore(store)
    dataset = Dataset(store=overlay, default_union=False)
    operations = {
        **_OPERATIONS,
        "Load": _load_operation(overlay, timeout, limits),
        "Modify": _modify_operation(overlay),
    }
    for operation in update.algebra:
        context = QueryContext(dataset, initBindings={})
        context.graph = dataset.default_graph  # DEFAULT means the store's default graph, not the union
        context.prologue = operation.prologue
        try:
            operations[operation.name](context, operation)
        except BadQuery:
            raise
        except Exception as err:
            if not operation.silent:
                raise BadQuery(f"the update could not be applied ({operation.name}): {err}") from err
    return overlay.changes.normalise(store.contains)


#: rdflib's evaluator for each SPARQL 1.1 Update operation (run in lexical order, as the spec requires).
_OPERATIONS = {
    "Clear": rdflib_update.evalClear,
    "Drop": rdflib_update.evalDrop,
    "Create": rdflib_update.evalCreate,
    "Add": rdflib_update.evalAdd,
    "Move": rdflib_update.evalMove,
    "Copy": rdflib_update.evalCopy,
    "InsertData": rdflib_update.evalInsertData,
    "DeleteData": rdflib_update.evalDeleteData,
    "DeleteWhere": rdflib_update.evalDeleteWhere,
    "Modify": rdflib_update.evalModify,
}
