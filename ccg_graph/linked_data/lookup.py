"""Small read helpers over the `Store` for the page view-models: rows of terms, labels, links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ccg_graph.core.namespaces import DEF_BASE, PREFIXES
from ccg_graph.linked_data.iris import local_url
from ccg_graph.store import Store

Term = ox.NamedNode | ox.Literal | ox.BlankNode


class Row(dict[str, Term]):
    """One solution: each bound variable's term. A variable of the query left unbound (an OPTIONAL that did
    not match, an aggregate over nothing) is absent from the dict and reads as ``None`` (so ``row["x"] is
    None`` and ``row.get("x")`` both say "unbound"); a name that is not a variable of the query is a
    `KeyError`, as for any dict."""

    __slots__ = ("variables",)

    def __init__(self, variables: frozenset[str], bound: dict[str, Term]) -> None:
        super().__init__(bound)
        self.variables = variables

    def __missing__(self, key: str) -> None:
        if key in self.variables:
            return None
        raise KeyError(key)


PREFIX_BLOCK = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n"


def rows(store: Store, query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> list[Row]:
    """A SELECT query's solutions as dicts of terms (the shared prefixes are prepended)."""
    result = store.query(PREFIX_BLOCK + query, bindings=bindings)
    assert result.solutions is not None
    names = [v.value for v in result.solutions.variables]
    variables = frozenset(names)
    return [
        Row(variables, {name: term for name in names if (term := solution[name]) is not None})
        for solution in result.solutions
    ]


def value(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


def values_block(variable: str, iris: Iterable[str]) -> str:
    """A ``VALUES`` block of IRIs (written by pyoxigraph, so they are escaped)."""
    return f"VALUES ?{variable} {{ {' '.join(str(ox.NamedNode(i)) for i in sorted(set(iris)))} }}"


def short_name(iri: str) -> str:
    """A readable fallback label: the local name of a vocabulary term, or the path of one of our IRIs."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return (
                iri[len(namespace) :]
                if namespace == DEF_BASE or prefix == "id"
                else f"{prefix}:{iri[len(namespace) :]}"
            )
    return iri


def labels(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The preferred label of each IRI (skos:prefLabel, else rdfs:label), where the graph has one."""
    wanted = [i for i in set(iris) if i]
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        query = f"""
        SELECT ?s (SAMPLE(?pl) AS ?pref) (SAMPLE(?rl) AS ?plain) WHERE {{
          {values_block("s", chunk)}
          OPTIONAL {{ ?s skos:prefLabel ?pl }}
          OPTIONAL {{ ?s rdfs:label ?rl }}
        }} GROUP BY ?s
        """
        for row in rows(store, query):
            text = value(row.get("pref")) or value(row.get("plain"))
            if text:
                found[row["s"].value] = text
    return found


@dataclass(frozen=True)
class Link:
    """A link to a resource: what it is called and where it is on this service."""

    iri: str
    label: str
    url: str


class Linker:
    """Makes `Link`s with labels looked up in one batch per call."""

    def __init__(self, store: Store, public_base: str) -> None:
        self.store = store
        self.public_base = public_base

    def url(self, iri: str) -> str:
        return local_url(iri, self.public_base)

    def links(self, iris: Iterable[str]) -> dict[str, Link]:
        iris = [i for i in iris if i]
        found = labels(self.store, iris)
        return {i: Link(i, found.get(i) or short_name(i), self.url(i)) for i in iris}

    def link(self, iri: str) -> Link:
        return self.links([iri])[iri]
