"""CCG allocations (indicative, target, implied) and mental-health spend, share and investment standard.

* Indicative 2019/20 allocations (NHS England, January 2016) for the CCGs of 2016, by name: each row is
  matched to the CCG open on 1 April 2016 with that (normalised) name. A row whose figures all repeat the row
  before it under another name is a re-keying slip (row 102 "NHS Leicester City CCG" repeats East
  Leicestershire and Rutland): it is not read as an allocation. Quirks are reported, never filled in, as
  ``ccg:SourceQuirk`` resources in the quality graph (rows that repeat, names that match no CCG, CCGs of 2016
  and of 2019/20 without a row, rows of CCGs gone by 2019/20).
* Target 2019/20 allocations: the sum of the practice-level targets (£000) per CCG code as the sheet gives it
  (Devon as 99P/99Q); Devon CCG (15N, from 1 April 2019) gets their sum, derived through the lineage.
* Mental Health Dashboard: outturn and planned spend, share of allocation and investment standard met per
  CCG of April 2021 and financial year; history is restated onto the 2021 CCGs (``ccg:restated`` true for
  years before the CCG opened, whose predecessors are in its lineage). The implied allocation = outturn ÷
  share mixes two vintages (spend sheet updated 2021-06-13, share sheet 2022-06-16).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import pyoxigraph as ox
from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, ID, ccg_iri, observation_iri
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.ingest.allocations import IndicativeAllocation, read_indicative_allocations, read_practice_targets
from ccg_graph.ingest.mental_health import (
    DashboardRow,
    flag_value,
    number_value,
    read_dashboard_sheet,
)
from ccg_graph.ingest.ons import read_ccg_names, read_ons_table
from ccg_graph.national.context import BuildContext
from ccg_graph.national.emit import GraphWriter
from ccg_graph.national.payments import financial_year_bounds, write_financial_year
from ccg_graph.national.provenance import release_key
from ccg_graph.national.supplier_matching import normalise

XSD = "http://www.w3.org/2001/XMLSchema#"

INDICATIVE = "nhse-allocations/ccg_allocations_2019-20_indicative_209ccgs.csv"
TARGETS = "nhse-allocations/gp_practice_weighted_population_2019-20_by_ics.csv"
ALLOCATION_YEAR = "2019/20"
#: The CCG names of April 2016 (the table's map) are in the LSOA lookup of that year; the lists of 2013, 2017
#: and 2019 add the other ONS spellings.
CCG16_NAMES = "ons-geography/lsoa11_to_ccg16_to_lad16_2016-04.csv"
NAME_SOURCES = (
    "ons-geography/ccg13_names_codes_2013-04.csv",
    "ons-geography/ccg17_names_codes_2017-04.csv",
    "ons-geography/ccg19_names_codes_2019-04.csv",
)
MAP_OF_2016 = date(2016, 4, 1)
DEVON_PREDECESSORS = ("99P", "99Q")
DEVON = "15N"
MH_SPEND = "nhse-mental-health-dashboard/mhf_ii_a_mh_total_spend_gbp_2016-17_to_2021-22.csv"
MH_SHARE = "nhse-mental-health-dashboard/mhf_i_mh_spend_pct_of_ccg_allocation_2016-17_to_2021-22.csv"
MH_STANDARD = "nhse-mental-health-dashboard/mhf_iii_mh_investment_standard_met_2016-17_to_2021-22.csv"


def _decimal(value: Decimal | float) -> ox.Literal:
    text = format(Decimal(str(value)), "f")
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def _allocation(
    ctx: BuildContext,
    out: GraphWriter,
    code: str,
    relative_file: str,
    kind: URIRef,
    pounds: Decimal | float,
    line: int | None = None,
    year: str = ALLOCATION_YEAR,
) -> URIRef:
    iri = observation_iri("allocation", code, year, release_key(relative_file).replace("/", "-"))
    out.type(iri, CCG.Allocation)
    out.add(iri, CCG.allocatedTo, ccg_iri(code))
    out.add(iri, CCG.financialYear, write_financial_year(ctx, year))
    out.add(iri, CCG.allocationKind, kind)
    out.add(iri, CCG.allocationGBP, _decimal(pounds))
    out.add(iri, DCT + "source", ctx.source(relative_file))
    out.add(iri, CCG.sourceRow, line)
    return iri


def _quirk(out: GraphWriter, ctx: BuildContext, key: str, text: str, line: int | None = None) -> None:
    iri = ID[f"quality/{release_key(INDICATIVE)}/{key}"]
    out.type(iri, CCG.SourceQuirk)
    out.add(iri, RDFS + "comment", text)
    out.add(iri, DCT + "source", ctx.source(INDICATIVE))
    out.add(iri, CCG.sourceRow, line)


def _ccg_names_2016(ctx: BuildContext) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    open_2016 = {code for code, life in ctx.ccgs.items() if life.open_on(MAP_OF_2016)}
    for path in NAME_SOURCES:
        for entry in read_ccg_names(ctx.open(path)):
            if entry.ods_code in open_2016:
                index[normalise(entry.name)].add(entry.ods_code)
    for row in read_ons_table(ctx.open(CCG16_NAMES), ("CCGCDH", "CCGNM")):
        if row["CCGCDH"] in open_2016:
            index[normalise(row["CCGNM"])].add(row["CCGCDH"])
    for code in open_2016:
        index[normalise(ctx.ccgs[code].name)].add(code)
    return {name: codes for name, codes in index.items()}


def _figures(row: IndicativeAllocation) -> tuple[object, ...]:
    return (
        row.opening_distance_from_target,
        row.minimum_allocation_k,
        row.final_allocation_k,
        row.final_growth,
        row.per_capita_allocation,
        row.last_column,
    )


def build_indicative(ctx: BuildContext) -> None:
    out = ctx.graph(INDICATIVE)
    quality = ctx.derived(
        "allocation-quirks",
        "Quirks of the 2019/20 indicative allocation table (reported, not corrected)",
        [INDICATIVE, CCG16_NAMES, *NAME_SOURCES],
        "A row whose figures all repeat the previous row's under another name is a repeat; a name is matched to "
        "the CCG open on 2016-04-01 with that normalised name (ONS spellings); CCGs open on 2016-04-01 or on "
        "2019-04-01 without a matched row, and matched CCGs closed before 2019-04-01, are listed.",
    )
    index = _ccg_names_2016(ctx)
    rows = list(read_indicative_allocations(ctx.open(INDICATIVE)))
    matched: set[str] = set()
    previous: IndicativeAllocation | None = None
    for row in rows:
        if previous is not None and _figures(row) == _figures(previous) and row.ccg_name != previous.ccg_name:
            _quirk(
                quality,
                ctx,
                f"row-{row.line}-repeats-row-{previous.line}",
                f"Row {row.line} ({row.ccg_name}) repeats every figure of row {previous.line} ({previous.ccg_name}); "
                "it is not read as an allocation.",
                row.line,
            )
            previous = row
            continue
        previous = row
        codes = index.get(normalise(row.ccg_name), set())
        if len(codes) != 1:
            _quirk(
                quality,
                ctx,
                f"row-{row.line}-unmatched",
                f"Row {row.line} ({row.ccg_name}) names no single CCG open on 1 April 2016.",
                row.line,
            )
            continue
        (code,) = codes
        matched.add(code)
        iri = _allocation(ctx, out, code, INDICATIVE, CCG.IndicativeAllocation, row.final_allocation_k * 1000, row.line)
        out.add(iri, CCG.perHeadGBP, row.per_capita_allocation)
        if not ctx.ccgs[code].open_on(date(2019, 4, 1)):
            _quirk(
                quality,
                ctx,
                f"row-{row.line}-ccg-gone",
                f"Row {row.line} ({row.ccg_name}, {code}) is for a CCG closed before 2019/20 "
                f"(closed {ctx.ccgs[code].close_date.isoformat()}).",
                row.line,
            )
    for code, life in sorted(ctx.ccgs.items()):
        if code in matched:
            continue
        if life.open_on(MAP_OF_2016):
            _quirk(quality, ctx, f"no-row-2016-{code}", f"{life.name} ({code}), open on 1 April 2016, has no row.")
        elif life.open_on(date(2019, 4, 1)):
            _quirk(quality, ctx, f"no-row-2019-{code}", f"{life.name} ({code}), a CCG of 2019/20, has no row.")


def build_targets(ctx: BuildContext) -> None:
    out = ctx.graph(TARGETS)
    totals: dict[str, float] = defaultdict(float)
    for row in read_practice_targets(ctx.open(TARGETS)):
        if row.kind == "practice":
            totals[row.ccg] += row.target_k
    for code, total_k in sorted(totals.items()):
        if code in ctx.ccgs:
            _allocation(ctx, out, code, TARGETS, CCG.TargetAllocation, round(total_k * 1000, 2))
    if DEVON in ctx.ccgs and all(code in totals for code in DEVON_PREDECESSORS):
        lineage = ctx.derived(
            "allocation-devon-target",
            "Devon CCG's 2019/20 target allocation, from its predecessors' practices",
            [TARGETS, "ods-ccg/succ_2026.csv"],
            "The 2019/20 practice sheet lists Devon's practices under 99P and 99Q, which merged into 15N on "
            "1 April 2019; 15N's target = the sum of theirs.",
        )
        pounds = round(sum(totals[code] for code in DEVON_PREDECESSORS) * 1000, 2)
        _allocation(ctx, lineage, DEVON, TARGETS, CCG.TargetAllocation, pounds)


def _rows(ctx: BuildContext, relative_file: str) -> Iterable[DashboardRow]:
    return (row for row in read_dashboard_sheet(ctx.open(relative_file)).rows if row.org_type == "CCG")


def build_mental_health(ctx: BuildContext) -> None:
    spend_out, share_out, standard_out = ctx.graph(MH_SPEND), ctx.graph(MH_SHARE), ctx.graph(MH_STANDARD)
    outturns: dict[tuple[str, str], float] = {}
    for row in _rows(ctx, MH_SPEND):
        if row.org not in ctx.ccgs:
            continue
        for value in row.values:
            iri = _mh_observation(ctx, spend_out, row, value.financial_year)
            amount = number_value(ctx.open(MH_SPEND), row, value)
            spend_out.add(iri, CCG.plannedGBP if value.planned else CCG.outturnGBP, _decimal(amount))
            if not value.planned:
                outturns[(row.org, value.financial_year)] = amount
    shares: dict[tuple[str, str], float] = {}
    for row in _rows(ctx, MH_SHARE):
        if row.org not in ctx.ccgs:
            continue
        for value in row.values:
            if value.planned:
                continue
            iri = _mh_observation(ctx, share_out, row, value.financial_year)
            share = number_value(ctx.open(MH_SHARE), row, value)
            share_out.add(iri, CCG.shareOfAllocation, _decimal(share))
            shares[(row.org, value.financial_year)] = share
    for row in _rows(ctx, MH_STANDARD):
        if row.org not in ctx.ccgs:
            continue
        for value in row.values:
            if not value.planned:
                iri = _mh_observation(ctx, standard_out, row, value.financial_year)
                standard_out.add(iri, CCG.investmentStandardMet, flag_value(ctx.open(MH_STANDARD), row, value))
    implied = ctx.derived(
        "allocation-implied",
        "CCG allocations implied by the Mental Health Dashboard (spend ÷ share)",
        [MH_SPEND, MH_SHARE],
        "Implied allocation = mental-health outturn spend ÷ its share of the CCG allocation, per CCG of April 2021 "
        "and year. It mixes two vintages: the spend sheet was updated 2021-06-13, the share sheet 2022-06-16; "
        "years before a CCG opened are restated onto it by the source.",
    )
    for (code, year), share in sorted(shares.items()):
        spend = outturns.get((code, year))
        if spend is not None and share > 0:
            _allocation(
                ctx,
                implied,
                code,
                MH_SHARE,
                CCG.ImpliedAllocation,
                round(Decimal(str(spend)) / Decimal(str(share)), 2),
                year=year,
            )


def _mh_observation(ctx: BuildContext, out: GraphWriter, row: DashboardRow, year: str) -> URIRef:
    iri = observation_iri("mental-health-spend", row.org, year, "mhd-2021-22")
    out.type(iri, CCG.MentalHealthSpend)
    out.add(iri, CCG.spendOf, ccg_iri(row.org))
    out.add(iri, CCG.financialYear, write_financial_year(ctx, year))
    out.add(iri, CCG.sourceRow, row.line)
    start, _ = financial_year_bounds(year)
    out.add(iri, CCG.restated, start < ctx.ccgs[row.org].open_date)
    return iri


def build_allocations(ctx: BuildContext) -> None:
    ctx.progress("allocations and mental-health spend")
    build_indicative(ctx)
    build_targets(ctx)
    build_mental_health(ctx)
