"""View-models of the money parts of pages: a CCG's "Money" and "Support" sections, a provider's commissioners.

A CCG's money: its allocations (each with kind and source), its 2018/19 payments by supplier kind (drawn as
a bar chart) and its ten largest payees, and its mental-health spend as a share of its allocation against
the national share (the sum of every CCG's mental-health spend over the sum of their implied allocations,
from the same dashboard). Its support: the CSUs it paid. A trust's, provider's or CSU's page lists the CCGs
that bought from it (provider and CSU client relations, with the basis and £).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

import pyoxigraph as ox

from ccg_graph.linked_data.lookup import Link, Linker, rows, value
from ccg_graph.store import Store

TOP_PAYEES = 10


@dataclass
class AllocationItem:
    year: str
    kind: str
    pounds: Decimal
    source: Link | None


@dataclass
class KindSpend:
    kind: str
    pounds: Decimal
    payments: int


@dataclass
class Payee:
    payee: Link
    pounds: Decimal


@dataclass
class MentalHealthShare:
    year: str
    share: float
    national: float | None
    restated: bool


@dataclass
class MoneySection:
    allocations: list[AllocationItem] = field(default_factory=list)
    by_kind: list[KindSpend] = field(default_factory=list)
    top_payees: list[Payee] = field(default_factory=list)
    mental_health: list[MentalHealthShare] = field(default_factory=list)
    csus: list[Payee] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.allocations or self.by_kind or self.mental_health or self.csus)


@dataclass
class Commissioner:
    ccg: Link
    basis: str
    service: str
    pounds: Decimal | None


def _text(term: object) -> str:
    return value(term) or ""


def money_section(store: Store, linker: Linker, iri: str) -> MoneySection:
    node = {"s": ox.NamedNode(iri)}
    allocations = rows(
        store,
        """SELECT ?year ?kind ?amount ?source WHERE { ?a ccg:allocatedTo ?s ; ccg:financialYear/skos:notation ?year ;
             ccg:allocationGBP ?amount ; ccg:allocationKind/rdfs:label ?kind . OPTIONAL { ?a dcterms:source ?source } }
           ORDER BY ?year ?kind""",
        node,
    )
    kinds = rows(
        store,
        """SELECT ?kind (SUM(?a) AS ?amount) (COUNT(?p) AS ?n) WHERE {
             ?line ccg:payer ?s ; ccg:supplierName/ccg:supplierSector ?kind . ?p ccg:spendLine ?line ; ccg:amountGBP ?a
           } GROUP BY ?kind ORDER BY DESC(?amount)""",
        node,
    )
    payees = rows(
        store,
        f"""SELECT ?payee (SUM(?a) AS ?amount) WHERE {{
             ?line ccg:payer ?s ; ccg:payee ?payee . ?p ccg:spendLine ?line ; ccg:amountGBP ?a
           }} GROUP BY ?payee ORDER BY DESC(?amount) LIMIT {TOP_PAYEES}""",
        node,
    )
    mental = rows(
        store,
        """SELECT ?year ?share ?restated WHERE {
             ?o ccg:spendOf ?s ; ccg:financialYear/skos:notation ?year ; ccg:shareOfAllocation ?share .
             OPTIONAL { ?o ccg:restated ?restated }
           } ORDER BY ?year""",
        node,
    )
    national = {
        value(r["year"]): float(_text(r["national"]))
        for r in rows(
            store,
            """SELECT ?year (SUM(?spend) / SUM(?allocation) AS ?national) WHERE {
                 ?x a ccg:MentalHealthSpend ; ccg:outturnGBP ?spend ; ccg:spendOf ?c ; ccg:financialYear ?fy .
                 ?al a ccg:Allocation ; ccg:allocationKind ccg:ImpliedAllocation ; ccg:allocatedTo ?c ;
                     ccg:financialYear ?fy ; ccg:allocationGBP ?allocation .
                 ?fy skos:notation ?year
               } GROUP BY ?year""",
        )
        if mental
    }
    csus = rows(
        store,
        """SELECT ?csu (SUM(?a) AS ?amount) WHERE { ?r ccg:client ?s ; ccg:supportUnit ?csu ; ccg:amountGBP ?a }
           GROUP BY ?csu ORDER BY DESC(?amount)""",
        node,
    )
    wanted = {_text(r["payee"]) for r in payees} | {_text(r["csu"]) for r in csus}
    wanted |= {_text(r["source"]) for r in allocations if r["source"] is not None}
    links = linker.links(wanted)
    return MoneySection(
        allocations=[
            AllocationItem(
                value(r["year"]) or "",
                value(r["kind"]) or "",
                Decimal(value(r["amount"]) or "0"),
                links.get(_text(r["source"])) if r["source"] is not None else None,
            )
            for r in allocations
        ],
        by_kind=[
            KindSpend(value(r["kind"]) or "", Decimal(value(r["amount"]) or "0"), int(value(r["n"]) or 0))
            for r in kinds
        ],
        top_payees=[Payee(links[_text(r["payee"])], Decimal(value(r["amount"]) or "0")) for r in payees],
        mental_health=[
            MentalHealthShare(
                value(r["year"]) or "",
                float(value(r["share"]) or 0),
                national.get(value(r["year"])),
                value(r["restated"]) == "true",
            )
            for r in mental
        ],
        csus=[Payee(links[_text(r["csu"])], Decimal(value(r["amount"]) or "0")) for r in csus],
    )


def commissioners_of(store: Store, linker: Linker, iri: str) -> list[Commissioner]:
    """The CCGs that bought from a provider or a CSU, per basis and service, with the £ where known."""
    found = rows(
        store,
        """SELECT ?ccg ?basis ?service (SUM(?a) AS ?amount) WHERE {
             { ?r ccg:provider ?s ; ccg:purchaser ?ccg ; ccg:relationBasis/rdfs:label ?basis ; ccg:serviceLabel ?service
               OPTIONAL { ?r ccg:amountGBP ?a } }
             UNION { ?r ccg:supportUnit ?s ; ccg:client ?ccg ; ccg:amountGBP ?a BIND ("payments" AS ?basis)
                     BIND ("commissioning support" AS ?service) }
           } GROUP BY ?ccg ?basis ?service ORDER BY DESC(?amount) ?ccg""",
        {"s": ox.NamedNode(iri)},
    )
    links = linker.links({_text(r["ccg"]) for r in found})
    return [
        Commissioner(
            links[_text(r["ccg"])],
            value(r["basis"]) or "",
            value(r["service"]) or "",
            Decimal(_text(r["amount"])) if r["amount"] is not None else None,
        )
        for r in found
    ]


def spend_by_kind_svg(items: list[KindSpend], title: str) -> str:
    """Horizontal bars: the CCG's 2018/19 payments by supplier kind, in £m."""
    if not items:
        return ""
    width, row, left = 640, 24, 150
    height = row * len(items) + 40
    top = max(item.pounds for item in items) or Decimal(1)
    total = sum(item.pounds for item in items)
    desc = "; ".join(f"{item.kind} £{item.pounds / 1_000_000:,.1f}m" for item in items)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        'aria-labelledby="spend-title spend-desc" class="figure spend" font-family="system-ui, sans-serif" '
        'font-size="12">',
        f'<title id="spend-title">{escape(title)}</title>',
        f'<desc id="spend-desc">{escape(desc)} (total £{total / 1_000_000:,.1f}m)</desc>',
    ]
    for index, item in enumerate(items):
        y = 10 + index * row
        bar = float(item.pounds / top) * (width - left - 90)
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" fill="#333">{escape(item.kind)}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" fill="#4c78a8"/>')
        out.append(f'<text x="{left + bar + 4:.1f}" y="{y + 15}" fill="#333">£{item.pounds / 1_000_000:,.1f}m</text>')
    out.append("</svg>")
    return "\n".join(out)
