"""The fixed query mix sent to every server: four classes of SPARQL query, as plain query texts.

- ``lookup``: point lookups by IRI (every predicate and object of one CCG or GP practice);
- ``as_of``: saved queries with an ``as_of`` date (member practices of a CCG, the NHS England teams it answered
  to, the CCGs open on a day);
- ``lineage``: the saved property-path queries (``ccg:successor+`` from a closed CCG, ``ccg:predecessor*``
  back from an ICB);
- ``aggregate``: one CCG's member practices counted by the year they joined (a GROUP BY over its spells);
- ``national_aggregate``: the saved query of practices per CCG on a date (a GROUP BY over every membership
  spell in the country: seconds per query, so only the full profile runs it).

Saved queries come from ``queries/*.rq`` and are bound with ccg-graph's own binding (``VALUES``), so every server
receives exactly the same text. The parameters are drawn from the dataset itself, in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from ccg_graph.core.config import Settings
from ccg_graph.sparql.binding import bind_values
from ccg_graph.sparql.saved_queries import QueryCatalogue
from ccg_graph.store import EmbeddedStore

CLASSES = ("lookup", "as_of", "lineage", "aggregate", "national_aggregate")
#: The classes whose cost is the engine's, not HTTP's: the targets hold these to oxigraph's pace.
ENGINE_BOUND = ("lineage", "aggregate", "national_aggregate")
_PRACTICES_BY_YEAR = """PREFIX ccg: <https://w3id.org/ccg-graph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?year (COUNT(DISTINCT ?practice) AS ?practices) WHERE {
  ?m org:organization <%s> ; org:role ccg:MemberPracticeRole ; org:member ?practice ; org:memberDuring ?i .
  ?i time:hasBeginning/time:inXSDDate ?from .
  BIND (YEAR(?from) AS ?year)
}
GROUP BY ?year
ORDER BY ?year"""
AS_OF_DATES = ("2013-04-01", "2015-04-01", "2017-04-01", "2019-04-01", "2020-04-01", "2021-04-01")


@dataclass(frozen=True)
class Workload:
    """Query texts by class; for the classes made of saved queries, also their ``/queries/...`` paths (in the
    same order), which ccg-graph answers from its answer cache once warm."""

    queries: dict[str, list[str]]
    saved_paths: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        return {name: len(texts) for name, texts in self.queries.items()}


def _column(store: EmbeddedStore, sparql: str) -> list[str]:
    result = store.query(sparql)
    assert result.solutions is not None
    return [solution[0].value for solution in result.solutions]


def _spread(values: list[str], count: int) -> list[str]:
    """`count` values evenly spaced through `values` (all of them if there are fewer)."""
    if len(values) <= count:
        return values
    step = len(values) / count
    return [values[int(i * step)] for i in range(count)]


def build_workload(store: EmbeddedStore, settings: Settings, per_class: int = 24) -> Workload:
    """The mix for the dataset in `store`."""
    ccgs = _column(
        store,
        "SELECT DISTINCT ?c WHERE { ?c a <https://w3id.org/ccg-graph/def#ClinicalCommissioningGroup> } ORDER BY ?c",
    )
    practices = _column(
        store, "SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/ccg-graph/def#GPPractice> } ORDER BY ?p"
    )
    closed = _column(
        store,
        "SELECT DISTINCT ?c WHERE { ?c a <https://w3id.org/ccg-graph/def#ClinicalCommissioningGroup> ; "
        "<https://w3id.org/ccg-graph/def#successor> ?s } ORDER BY ?c",
    )
    icbs = _column(
        store,
        "SELECT DISTINCT ?i WHERE { ?i <https://w3id.org/ccg-graph/def#predecessor> ?p . "
        "FILTER NOT EXISTS { ?i <https://w3id.org/ccg-graph/def#successor> ?x } } ORDER BY ?i",
    )
    if not ccgs:
        raise ValueError("the dataset has no CCGs: nothing to query")
    catalogue = QueryCatalogue(settings.queries_dir)

    paths: list[str] = []

    def saved(name: str, **values: str) -> str:
        query = catalogue.get(name)
        paths.append(f"/queries/{name}?{urlencode(values)}")
        return bind_values(query.text, query.bind(values))

    half = max(1, per_class // 2)
    lookups = []
    for ccg, practice in zip(_spread(ccgs, half), _spread(practices or ccgs, half), strict=False):
        lookups += [f"SELECT ?p ?o WHERE {{ <{ccg}> ?p ?o }}", f"SELECT ?p ?o WHERE {{ <{practice}> ?p ?o }}"]
    as_of = []
    for i, ccg in enumerate(_spread(ccgs, per_class)):
        day = AS_OF_DATES[i % len(AS_OF_DATES)]
        name = ("ccg-member-practices-on", "ccg-oversight-on", "ccgs-open-on")[i % 3]
        as_of.append(saved(name, as_of=day) if name == "ccgs-open-on" else saved(name, ccg=ccg, as_of=day))
    as_of_paths = list(paths)
    lineage = [saved("successor-chain", organisation=c) for c in _spread(closed or ccgs, half)]
    lineage += [saved("predecessor-tree", organisation=i) for i in _spread(icbs or ccgs, half)]
    aggregate = [_PRACTICES_BY_YEAR % ccg for ccg in _spread(ccgs, per_class)]
    national = [saved("practices-per-ccg-on", as_of=day) for day in AS_OF_DATES]
    return Workload(
        {"lookup": lookups, "as_of": as_of, "lineage": lineage, "aggregate": aggregate, "national_aggregate": national},
        {"as_of": as_of_paths},
    )
