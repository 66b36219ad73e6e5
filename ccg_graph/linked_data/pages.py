"""View-models of the HTML pages: what each page shows, read from the store with SPARQL.

Every page of a resource has the generic parts (`ResourcePage`: title, types, a property table, what links
to it, paginated, and the named graphs its facts come from). Organisations in a lineage (CCGs, PCTs, ICBs)
get a lineage diagram; a CCG gets its whole story (`CCGPage`). Templates only lay these out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from ccg_graph.core.errors import NotFound
from ccg_graph.core.namespaces import DEF_BASE, KIND_LABELS, ONTOLOGY_IRI
from ccg_graph.core.namespaces import RDF_TYPE_IRI as RDF_TYPE
from ccg_graph.linked_data.figures import Lineage, LineageNode, Spell, Timeline, TimelineEvent
from ccg_graph.linked_data.iris import local_url
from ccg_graph.linked_data.lookup import Link, Linker, rows, short_name, value, values_block
from ccg_graph.places.search import SearchIndex
from ccg_graph.store import Store

PAGE_SIZE = 50
VALUES_SHOWN = 25
CCG_CLASS = DEF_BASE + "ClinicalCommissioningGroup"
LINEAGE_CLASSES = {CCG_CLASS, DEF_BASE + "PrimaryCareTrust", DEF_BASE + "IntegratedCareBoard"}
_TITLE_PREDICATES = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")


@dataclass
class Value:
    """One value in a property table: a link, or literal text with its datatype or language."""

    text: str
    link: Link | None = None
    note: str = ""
    basis: str = ""  # how it is known: the basis of the graphs stating it (see BASIS_LABELS)


@dataclass
class Property:
    predicate: Link
    values: list[Value]
    more: int = 0  # values left out of the page (they are all in the RDF)


@dataclass
class Paged:
    """One page of a long list, with the numbers to link to the others."""

    items: list
    page: int
    has_next: bool

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


#: How each statement basis (ontology/provenance.ttl) is named beside the facts it covers.
BASIS_LABELS = {
    DEF_BASE + "SourceRecord": "source record",
    DEF_BASE + "DerivedByRule": "derived by rule",
    DEF_BASE + "StatutoryRequirement": "required by statute",
}


@dataclass
class Source:
    """A named graph a page's facts come from, with how its statements are known and what it rests on."""

    graph: Link
    basis: str
    derived_from: list[Link] = field(default_factory=list)


@dataclass
class ResourcePage:
    iri: str
    title: str
    types: list[Link]
    properties: list[Property]
    inbound: Paged
    sources: list[Source]
    comment: str = ""
    lineage: Lineage | None = None
    is_term: bool = False
    memberships: list[Membership] = field(default_factory=list)


@dataclass
class Membership:
    """A dated membership of the resource (a practice in a CCG or sub-ICB location)."""

    organisation: Link
    start: date | None
    end: date | None


def _page_window(page: int) -> tuple[int, int]:
    if page < 1:
        raise NotFound(f"there is no page {page}: pages count from 1")
    return (page - 1) * PAGE_SIZE, PAGE_SIZE + 1


def _literal_value(literal: ox.Literal) -> Value:
    note = literal.language or ""
    datatype = literal.datatype.value
    if not note and datatype not in ("http://www.w3.org/2001/XMLSchema#string",):
        note = short_name(datatype)
    return Value(literal.value, note=note)


def is_ccg(page: ResourcePage) -> bool:
    return any(t.iri == CCG_CLASS for t in page.types)


def resource_page(store: Store, linker: Linker, iri: str, page: int = 1) -> ResourcePage:
    """The generic page of any IRI in the graph (`NotFound` if the graph says nothing about it)."""
    offset, limit = _page_window(page)
    node = ox.NamedNode(iri)
    outgoing = rows(
        store,
        "SELECT ?p ?o (GROUP_CONCAT(DISTINCT STR(?b); separator=' ') AS ?bases) WHERE {"
        " GRAPH ?g { ?s ?p ?o } OPTIONAL { ?g ccg:basis ?b } } GROUP BY ?p ?o ORDER BY ?p ?o",
        {"s": node},
    )
    inbound_rows = rows(
        store,
        f"SELECT DISTINCT ?x ?p WHERE {{ ?x ?p ?o . FILTER (isIRI(?x)) }} ORDER BY ?p ?x OFFSET {offset} LIMIT {limit}",
        {"o": node},
    )
    if not outgoing and not inbound_rows and page == 1:
        raise NotFound(f"the graph says nothing about <{iri}>")
    graphs = rows(
        store,
        "SELECT ?g (SAMPLE(?b) AS ?basis) (GROUP_CONCAT(DISTINCT STR(?from); separator=' ') AS ?froms) WHERE {"
        " { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } } OPTIONAL { ?g ccg:basis ?b }"
        " OPTIONAL { ?g prov:wasDerivedFrom ?from } } GROUP BY ?g ORDER BY ?g",
        {"s": node},
    )
    # GROUP_CONCAT over a graph with no prov:wasDerivedFrom can come back unbound: no sources, not an error.
    derived_from = {row["g"].value: (value(row.get("froms")) or "").split() for row in graphs}

    iris = {iri}
    for row in outgoing:
        iris.add(row["p"].value)
        if isinstance(row.get("o"), ox.NamedNode):
            iris.add(row["o"].value)
    for row in inbound_rows[:PAGE_SIZE]:
        iris.update((row["x"].value, row["p"].value))
    iris.update(row["g"].value for row in graphs)
    iris.update(i for froms in derived_from.values() for i in froms)
    links = linker.links(iris)

    types: list[Link] = []
    by_predicate: dict[str, list[Value]] = {}
    comment = ""
    for row in outgoing:
        predicate, obj = row["p"].value, row["o"]
        if predicate == RDF_TYPE and isinstance(obj, ox.NamedNode):
            types.append(links[obj.value])
            continue
        if isinstance(obj, ox.NamedNode):
            item = Value(links[obj.value].label, links[obj.value])
        elif isinstance(obj, ox.Literal):
            item = _literal_value(obj)
            if predicate.endswith(("#comment", "#definition")) and not comment:
                comment = obj.value
        else:
            item = Value("(a blank node: see the RDF)")
        item.basis = ", ".join(BASIS_LABELS.get(b, b) for b in sorted((value(row["bases"]) or "").split()))
        by_predicate.setdefault(predicate, []).append(item)
    properties = [
        Property(links[p], vals) for p, vals in sorted(by_predicate.items(), key=lambda kv: links[kv[0]].label)
    ]
    inbound = [(links[r["x"].value], links[r["p"].value]) for r in inbound_rows[:PAGE_SIZE]]
    type_iris = {t.iri for t in types}
    lineage = lineage_of(store, linker, iri) if type_iris & LINEAGE_CLASSES else None
    return ResourcePage(
        memberships=memberships_of(store, linker, node),
        iri=iri,
        title=_title(outgoing, links, iri),
        types=types,
        properties=properties,
        inbound=Paged(inbound, page, len(inbound_rows) > PAGE_SIZE),
        sources=[
            Source(
                links[row["g"].value],
                BASIS_LABELS.get(value(row["basis"]) or "", "basis not stated"),
                [links[i] for i in derived_from[row["g"].value]],
            )
            for row in graphs
        ],
        comment=comment,
        lineage=lineage,
        is_term=iri.startswith(DEF_BASE) or iri == ONTOLOGY_IRI,
    )


def memberships_of(store: Store, linker: Linker, node: ox.NamedNode) -> list[Membership]:
    found = rows(
        store,
        """SELECT DISTINCT ?org ?from ?to WHERE {
             ?m org:member ?s ; org:organization ?org .
             OPTIONAL { ?m org:memberDuring ?i . OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?from }
                        OPTIONAL { ?i time:hasEnd/time:inXSDDate ?to } }
           } ORDER BY ?from ?org""",
        {"s": node},
    )
    links = linker.links(r["org"].value for r in found)
    return [Membership(links[r["org"].value], _date(r.get("from")), _date(r.get("to"))) for r in found]


def _title(outgoing: list, links: dict[str, Link], iri: str) -> str:
    for predicate in _TITLE_PREDICATES:
        for row in outgoing:
            if row["p"].value == predicate and isinstance(row["o"], ox.Literal):
                return row["o"].value
    return links[iri].label


# --- lineage ------------------------------------------------------------------------------------------------
def lineage_of(store: Store, linker: Linker, iri: str) -> Lineage:
    """Everything in the lineage of `iri`: the trees of the bodies it ended in (PCTs -> CCGs -> ICB)."""
    node = ox.NamedNode(iri)
    finals = rows(
        store,
        """SELECT DISTINCT ?end WHERE {
             ?s (ccg:successor|^ccg:predecessor)* ?end . FILTER NOT EXISTS { ?end ccg:successor ?later }
             FILTER NOT EXISTS { ?later ccg:predecessor ?end }
           }""",
        {"s": node},
    )
    ends = [row["end"].value for row in finals] or [iri]
    members = rows(
        store,
        f"""SELECT DISTINCT ?n WHERE {{ {values_block("end", ends)}
              ?end (ccg:predecessor|^ccg:successor)* ?n }}""",
    )
    nodes = {row["n"].value for row in members} | {iri}
    edges = rows(
        store,
        f"""SELECT DISTINCT ?a ?b WHERE {{ {values_block("a", nodes)} {values_block("b", nodes)}
              {{ ?a ccg:successor ?b }} UNION {{ ?b ccg:predecessor ?a }} }}""",
    )
    facts = rows(
        store,
        f"""SELECT ?n (SAMPLE(?k) AS ?kind) (SAMPLE(?c) AS ?code) (MIN(?o) AS ?open) (MAX(?e) AS ?close) WHERE {{
              {values_block("n", nodes)}
              OPTIONAL {{ ?n a ?k . FILTER (?k IN (ccg:ClinicalCommissioningGroup, ccg:PrimaryCareTrust,
                                                   ccg:IntegratedCareBoard, ccg:SubICBLocation)) }}
              OPTIONAL {{ ?n ccg:odsCode ?c }} OPTIONAL {{ ?n ccg:openDate ?o }} OPTIONAL {{ ?n ccg:closeDate ?e }}
            }} GROUP BY ?n""",
    )
    links = linker.links(nodes)
    lineage_nodes = {
        row["n"].value: LineageNode(
            link=links[row["n"].value],
            kind=short_name(value(row.get("kind")) or ""),
            code=value(row.get("code")) or "",
            opened=_date(row.get("open")),
            closed=_date(row.get("close")),
            current=row["n"].value == iri,
        )
        for row in facts
    }
    return Lineage(lineage_nodes, sorted({(row["a"].value, row["b"].value) for row in edges}))


def _date(term: object) -> date | None:
    text = value(term)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


# --- the CCG page ---------------------------------------------------------------------------------------------
@dataclass
class NameSpell:
    name: str
    first_seen: date | None
    source: Link | None


@dataclass
class Oversight:
    body: Link
    kind: str
    start: date | None
    end: date | None


@dataclass
class Overlap:
    authority: Link
    year: str
    share_of_ccg: str
    share_of_authority: str
    board: Link | None


@dataclass
class MemberPractice:
    practice: Link
    code: str
    joined: date | None
    left: date | None


@dataclass
class CCGPage:
    resource: ResourcePage
    code: str
    ons_codes: list[tuple[str, date | None, date | None]]
    opened: date | None
    closed: date | None
    names: list[NameSpell]
    posts: list[Link]
    oversight: list[Oversight]
    stps: list[Link]
    successors: list[Link]
    accountability_path: list[tuple[int, Link]]
    services: list[Link]
    overlaps: list[Overlap]
    as_of: date
    practices: Paged
    timeline: Timeline = field(default_factory=lambda: Timeline([], []))


def ccg_page(store: Store, linker: Linker, resource: ResourcePage, as_of: date | None = None, page: int = 1) -> CCGPage:
    """The whole story of one CCG; `resource` is its generic page (`resource_page`)."""
    iri = resource.iri
    node = ox.NamedNode(iri)
    facts = rows(
        store,
        "SELECT ?code (MIN(?o) AS ?open) (MAX(?c) AS ?close) WHERE { ?s ccg:odsCode ?code "
        "OPTIONAL { ?s ccg:openDate ?o } OPTIONAL { ?s ccg:closeDate ?c } } GROUP BY ?code",
        {"s": node},
    )
    code = value(facts[0]["code"]) if facts else ""
    opened = _date(facts[0]["open"]) if facts else None
    closed = _date(facts[0]["close"]) if facts else None
    day = as_of or closed or opened or date(2013, 4, 1)

    names = rows(
        store,
        """SELECT ?name (MIN(?when) AS ?first) (SAMPLE(?g) AS ?graph) WHERE {
             ?s ccg:nameRecord ?r . GRAPH ?g { ?r ccg:recordedName ?name } OPTIONAL { ?r ccg:referenceDate ?when }
           } GROUP BY ?name ORDER BY ?first ?name""",
        {"s": node},
    )
    ons = rows(
        store,
        """SELECT ?code ?from ?to WHERE { ?s ccg:onsCodeAssignment ?a . ?a ccg:code ?code .
             OPTIONAL { ?a ccg:validDuring ?i . OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?from }
                        OPTIONAL { ?i time:hasEnd/time:inXSDDate ?to } } } ORDER BY ?from""",
        {"s": node},
    )
    posts = rows(store, "SELECT ?post WHERE { ?s ccg:governingBody/org:hasPost ?post } ORDER BY ?post", {"s": node})
    oversight = rows(
        store,
        """SELECT ?body ?kind ?from ?to WHERE {
             ?a ccg:accountableOrganisation ?s ; ccg:accountableToBody ?body ; ccg:validDuring ?i .
             OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?from } OPTIONAL { ?i time:hasEnd/time:inXSDDate ?to }
             OPTIONAL { ?body a ?kind . FILTER (STRSTARTS(STR(?kind), STR(ccg:))) }
           } ORDER BY ?from ?body""",
        {"s": node},
    )
    stps = rows(
        store,
        "SELECT DISTINCT ?stp WHERE { ?s org:memberOf ?stp . ?stp a ccg:SustainabilityAndTransformationPartnership }",
        {"s": node},
    )
    successors = rows(
        store,
        "SELECT DISTINCT ?next (MIN(?o) AS ?open) WHERE { ?s ccg:successor+ ?next OPTIONAL { ?next ccg:openDate ?o } }"
        " GROUP BY ?next ORDER BY ?open ?next",
        {"s": node},
    )
    path = rows(
        store,
        """SELECT ?body (MIN(?depth) AS ?steps) WHERE {
             { ?s ccg:accountableTo ?body BIND (1 AS ?depth) }
             UNION { ?s ccg:accountableTo/ccg:accountableTo ?body BIND (2 AS ?depth) }
             UNION { ?s ccg:accountableTo/ccg:accountableTo/ccg:accountableTo ?body BIND (3 AS ?depth) }
             UNION { ?s ccg:accountableTo/ccg:accountableTo/ccg:accountableTo/ccg:accountableTo ?body
                     BIND (4 AS ?depth) }
           } GROUP BY ?body ORDER BY ?steps ?body""",
        {"s": node},
    )
    services = rows(
        store,
        "SELECT DISTINCT ?svc WHERE { { ?s a ccg:ClinicalCommissioningGroup . ?duty a ccg:StatutoryCommissioningDuty ;"
        " ccg:dutyOfType ccg:ClinicalCommissioningGroup ; ccg:service ?svc }"
        " UNION { ?s ccg:qualifiedCommissioning/ccg:service ?svc } } ORDER BY ?svc",
        {"s": node},
    )
    overlaps = rows(
        store,
        """SELECT ?la ?year ?shareOrg ?shareLa ?board WHERE {
             ?s ccg:areaOverlap ?ov . ?ov ccg:overlapAuthority ?la ; ccg:referenceDate ?year .
             OPTIONAL { ?ov ccg:shareOfOrganisation ?shareOrg } OPTIONAL { ?ov ccg:shareOfAuthority ?shareLa }
             OPTIONAL { ?la ccg:upperTierAuthority?/ccg:healthAndWellbeingBoard ?board }
           } ORDER BY DESC(?year) ?la""",
        {"s": node},
    )
    offset, limit = _page_window(page)
    practices = rows(
        store,
        f"""SELECT ?practice ?code ?joined ?left WHERE {{
             ?m org:organization ?s ; org:role ccg:MemberPracticeRole ; org:member ?practice ; org:memberDuring ?i .
             ?i time:hasBeginning/time:inXSDDate ?joined . OPTIONAL {{ ?i time:hasEnd/time:inXSDDate ?left }}
             OPTIONAL {{ ?practice ccg:odsCode ?code }}
             FILTER (?joined <= ?day && (!BOUND(?left) || ?left >= ?day))
           }} ORDER BY ?code OFFSET {offset} LIMIT {limit}""",
        {"s": node, "day": ox.Literal(day.isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))},
    )
    wanted = {r["body"].value for r in oversight} | {r["stp"].value for r in stps} | {r["post"].value for r in posts}
    wanted |= (
        {r["next"].value for r in successors} | {r["body"].value for r in path} | {r["svc"].value for r in services}
    )
    wanted |= {r["la"].value for r in overlaps} | {r["board"].value for r in overlaps if r["board"] is not None}
    wanted |= {r["practice"].value for r in practices[:PAGE_SIZE]} | {r["graph"].value for r in names if r["graph"]}
    links = linker.links(wanted)

    oversight_items = [
        Oversight(links[r["body"].value], _kind_label(r.get("kind")), _date(r.get("from")), _date(r.get("to")))
        for r in oversight
    ]
    name_items = [
        NameSpell(r["name"].value, _date(r.get("first")), links.get(r["graph"].value) if r["graph"] else None)
        for r in names
    ]
    result = CCGPage(
        resource=resource,
        code=code or "",
        ons_codes=[(r["code"].value, _date(r.get("from")), _date(r.get("to"))) for r in ons],
        opened=opened,
        closed=closed,
        names=name_items,
        posts=[links[r["post"].value] for r in posts],
        oversight=oversight_items,
        stps=[links[r["stp"].value] for r in stps],
        successors=[links[r["next"].value] for r in successors],
        accountability_path=[(int(r["steps"].value), links[r["body"].value]) for r in path],
        services=[links[r["svc"].value] for r in services],
        overlaps=[
            Overlap(
                links[r["la"].value],
                (value(r.get("year")) or "")[:4],
                value(r["shareOrg"]) or "",
                value(r["shareLa"]) or "",
                links[r["board"].value] if r["board"] is not None else None,
            )
            for r in overlaps
        ],
        as_of=day,
        practices=Paged(
            [
                MemberPractice(
                    links[r["practice"].value], value(r.get("code")) or "", _date(r.get("joined")), _date(r.get("left"))
                )
                for r in practices[:PAGE_SIZE]
            ],
            page,
            len(practices) > PAGE_SIZE,
        ),
    )
    result.timeline = _ccg_timeline(result)
    return result


def _kind_label(term: object) -> str:
    name = short_name(value(term) or "")
    return KIND_LABELS.get(name, name)


def _ccg_timeline(page: CCGPage) -> Timeline:
    spells = [Spell("Open", page.opened, page.closed, "life", page.resource.title)]
    for item in page.oversight:
        row = (item.kind or "Overseen by").removeprefix("NHS England ").capitalize()
        spells.append(Spell(row, item.start, item.end, "oversight", item.body.label))
    events = [TimelineEvent(n.first_seen, f"Name recorded: {n.name}") for n in page.names if n.first_seen]
    if page.opened:
        events.append(TimelineEvent(page.opened, "Opened"))
    if page.closed:
        events.append(TimelineEvent(page.closed, "Closed"))
    return Timeline(spells, sorted(events, key=lambda e: e.day))


# --- home and search -------------------------------------------------------------------------------------------
@dataclass
class SearchHit:
    link: Link
    code: str
    kind: str
    opened: date | None
    closed: date | None
    matched: str | None = None
    matched_as: str | None = None


def indexed_search(index: SearchIndex, public_base: str, text: str, page: int = 1, day: date | None = None) -> Paged:
    """Organisations matching `text` in the search index (`places.search`), best first, one page of them."""
    offset, limit = _page_window(page)
    hits = index.search(text, day)[offset : offset + limit]
    items = [
        SearchHit(
            Link(h.organisation.iri, h.organisation.name, local_url(h.organisation.iri, public_base)),
            h.organisation.code,
            h.organisation.kind,
            h.organisation.opened,
            h.organisation.closed,
            h.matched,
            h.matched_as,
        )
        for h in hits[:PAGE_SIZE]
    ]
    return Paged(items, page, len(hits) > PAGE_SIZE)


def search(store: Store, linker: Linker, text: str, page: int = 1) -> Paged:
    """Organisations whose name contains `text` (any case) or whose ODS or ONS code is `text`, by scanning
    every label in SPARQL: what ``/search`` did before the index (`indexed_search`); kept as the benchmark's
    anchor.

    Every filter on ``?q`` sits in the query's top group, where the bound ``VALUES`` row is visible (a filter
    in a nested group is evaluated before the join and would never see it).
    """
    offset, limit = _page_window(page)
    needle = text.strip()
    if not needle:
        return Paged([], page, False)
    found = rows(
        store,
        f"""SELECT ?s (SAMPLE(?c) AS ?code) (SAMPLE(?k) AS ?kind) (MIN(?o) AS ?open) (MAX(?e) AS ?close)
                   (SAMPLE(?n) AS ?name) WHERE {{
              ?s skos:prefLabel ?n .
              OPTIONAL {{ ?s ccg:odsCode ?ods }} OPTIONAL {{ ?s ccg:onsCode ?ons }}
              FILTER (BOUND(?ods) || BOUND(?ons))
              FILTER (UCASE(COALESCE(?ods, "")) = UCASE(?q) || UCASE(COALESCE(?ons, "")) = UCASE(?q)
                      || CONTAINS(LCASE(?n), LCASE(?q)))
              BIND (COALESCE(?ods, ?ons) AS ?c)
              OPTIONAL {{ ?s a ?k . FILTER (STRSTARTS(STR(?k), STR(ccg:))) }}
              OPTIONAL {{ ?s ccg:openDate ?o }} OPTIONAL {{ ?s ccg:closeDate ?e }}
            }} GROUP BY ?s ORDER BY ?kind ?name ?s OFFSET {offset} LIMIT {limit}""",
        {"q": ox.Literal(needle)},
    )
    links = linker.links(r["s"].value for r in found[:PAGE_SIZE])
    hits = [
        SearchHit(
            links[r["s"].value],
            value(r.get("code")) or "",
            _kind_label(r.get("kind")),
            _date(r.get("open")),
            _date(r.get("close")),
        )
        for r in found[:PAGE_SIZE]
    ]
    return Paged(hits, page, len(found) > PAGE_SIZE)


def ccgs_per_month(store: Store, query_text: str) -> list[tuple[date, int]]:
    """The national timeline, from the saved query ``ccg-count-by-month``."""
    result = store.query(query_text)
    assert result.solutions is not None
    return [(date.fromisoformat(s["month"].value), int(s["ccgs"].value)) for s in result.solutions]
