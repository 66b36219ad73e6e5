"""CCG payments of £25k or more in 2018/19 (3SC), their suppliers, and what can be derived from them.

Every row of the 3SC file becomes one ``ccg:Payment`` (``id:payment/{release}/{line}``): rows that repeat
another exactly are separate payments, since the file has no dates or invoice numbers. The IRI is the
citation: its release (the file, described in the provenance graph) and its row. A payment has its amount in
£ and a ``ccg:SpendLine``, which holds what payments share: payer (the CCG, from the E38 code), payee, the
supplier name record it was matched through, financial year, expense type and area as the CCG wrote them.
Supplier names are matched to organisations by `ccg_graph.national.supplier_matching`
(method and confidence on each ``ccg:SupplierName``).

The payments are many, so each is two triples (its line and its amount; no rdf:type, since ccg:spendLine has
the domain ccg:Payment, and no row triple, since the IRI ends in the row), written with shared, pre-built RDF
terms: 225,889 payments add about 0.45 million triples and their 43,000 lines about 0.3 million.

Derived from the payments, each in a rule graph:

* CSU → CCG client relations: a CCG paid a CSU in the year (with the £ and number of payments);
* CCG → provider relations per expense area: a CCG paid an NHS trust in the year for that area;
* delegated primary care commissioning, inferred: a CCG paid GP contract lines (GMS, PMS or APMS contract
  expense types) itself, which it could do only under delegation from NHS England.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from ccg_graph.core.namespaces import (
    CCG,
    ccg_iri,
    financial_year_iri,
    local_authority_iri,
    named_csu_iri,
    payment_iri,
    practice_iri,
    relation_iri,
    source_graph_iri,
    spend_line_iri,
    supplier_iri,
    supplier_name_iri,
    trust_iri,
)
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.ingest.ods import read_epraccur
from ccg_graph.ingest.ons import read_ons_list
from ccg_graph.ingest.spend import PaymentRow, read_payments
from ccg_graph.national.context import BuildContext
from ccg_graph.national.emit import GraphWriter, node
from ccg_graph.national.provenance import release_key
from ccg_graph.national.supplier_matching import Match, SupplierMatcher, names_by_code
from ccg_graph.national.trusts import ETR_RELEASES, TrustRegistry

XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"

SPEND = "ccg-spend-3sc/ccg_invoices_over_25k_2018-19.csv.gz"
SPEND_YEAR = "2018/19"
PRACTICES_2018 = "ods-gp-practices/epraccur_2018-06.csv"
LAD20 = "ons-geography/lad20_names_codes_uk_2020-04.csv"
LAD_TO_COUNTY = "ons-geography/lad20_to_cty20_2020-04.csv"
UPPER_TIER_PREFIXES = ("E06", "E08", "E09", "E10")
#: Expense types of GP contracts (GMS global sum, PMS / APMS contract values and the like).
GP_CONTRACT_PREFIXES = ("C&M-GMS", "C&M-PMS", "C&M-APMS")


def financial_year_bounds(label: str) -> tuple[date, date]:
    """``2018/19`` -> 1 April 2018 and 31 March 2019."""
    start = int(label[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


def write_financial_year(ctx: BuildContext, label: str) -> ox.NamedNode:
    """The financial year resource (written once per build into the derived time graph's neighbour)."""
    out = ctx.derived(
        "financial-years",
        "NHS financial years",
        [],
        "An NHS financial year runs from 1 April to 31 March; its notation is 'YYYY/YY' (2018/19).",
    )
    iri = financial_year_iri(label)
    out.type(iri, CCG.FinancialYear)
    out.add(iri, SKOS + "notation", label)
    out.label(iri, RDFS + "label", f"Financial year {label}")
    out.add(iri, CCG.period, ctx.time.interval(*financial_year_bounds(label)))
    return node(iri)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16].upper()


def _pounds() -> defaultdict[Any, Decimal]:
    return defaultdict(Decimal)


@dataclass
class PaymentTotals:
    """Sums the derived relations need, collected while the payments are written (all in £)."""

    csu: defaultdict[tuple[str, str], Decimal] = field(default_factory=_pounds)  # (ccg, csu key)
    csu_count: Counter[tuple[str, str]] = field(default_factory=Counter)
    provider: defaultdict[tuple[str, str, str], Decimal] = field(default_factory=_pounds)  # (ccg, trust, area)
    gp_contracts: defaultdict[str, Decimal] = field(default_factory=_pounds)  # ccg -> GP contract lines
    matched: defaultdict[str, Decimal] = field(default_factory=_pounds)  # match method
    csu_names: defaultdict[str, defaultdict[str, Decimal]] = field(default_factory=lambda: defaultdict(_pounds))
    payments: int = 0


def _matcher(ctx: BuildContext, trusts: TrustRegistry, rows: list[PaymentRow]) -> SupplierMatcher:
    ccg_names = names_by_code((code, life.name) for code, life in ctx.ccgs.items())
    for row in rows:
        code = ctx.ccg_by_ons.get(row.ccg_ons)
        if code:
            ccg_names[code].add(row.ccg_name)
    practices: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for record in read_epraccur(ctx.open(PRACTICES_2018)):
        if record.commissioner and record.code in ctx.practices:
            practices[record.commissioner][record.name].add(record.code)
    authorities = {
        entry.ons_code: entry.name
        for entry in read_ons_list(ctx.open(LAD20), "LAD")
        if entry.ons_code.startswith(UPPER_TIER_PREFIXES)
    }
    for entry in read_ons_list(ctx.open(LAD_TO_COUNTY), "CTY"):
        if entry.ons_code.startswith("E10"):
            authorities[entry.ons_code] = entry.name
    return SupplierMatcher(trusts.names, ccg_names, practices, authorities)


def _payee(match: Match) -> URIRef:
    if match.kind == "trust":
        return trust_iri(match.key)
    if match.kind == "csu":
        return named_csu_iri(csu_slug(match.key))
    if match.kind == "ccg":
        return ccg_iri(match.key)
    if match.kind == "practice":
        return practice_iri(match.key)
    if match.kind == "local-authority":
        return local_authority_iri(match.key)
    if match.kind in ("company", "charity"):
        return supplier_iri(match.kind, match.key)
    return supplier_iri("name", _hash(match.key))


def match_method_iri(method: str) -> URIRef:
    """``ods-trust-name`` -> ``ccg:OdsTrustNameMatch``; the unmatched ``name`` method -> ``ccg:NameOnly``."""
    if method == "name":
        return CCG.NameOnly
    return CCG["".join(word.capitalize() for word in method.split("-")) + "Match"]


def csu_slug(key: str) -> str:
    return "-".join(key.lower().split())


def build_payments(ctx: BuildContext, trusts: TrustRegistry) -> PaymentTotals:
    ctx.progress("payments: 3SC CCG spend over £25k, 2018/19")
    rows = list(read_payments(ctx.open(SPEND)))
    matcher = _matcher(ctx, trusts, rows)
    out = ctx.graph(SPEND)
    matches_out = ctx.derived(
        "supplier-matches",
        "Payment supplier names matched to organisations",
        [SPEND, *ETR_RELEASES, PRACTICES_2018, LAD20, LAD_TO_COUNTY],
        "Each supplier name of the 3SC payments is matched by the first rule that names exactly one "
        "organisation: ODS trust name, trust core name, CSU name, CCG name, GP practice of the paying CCG "
        "(ODS epraccur 2018-06), upper-tier local authority name, then the 3SC project's Companies House or "
        "Charity Commission number; otherwise it stays a named supplier (docs/data-derivation.md).",
    )
    year = write_financial_year(ctx, SPEND_YEAR)
    release = release_key(SPEND)
    totals = PaymentTotals()
    p_line, p_amount = node(CCG.spendLine), node(CCG.amountGBP)
    decimal = ox.NamedNode(XSD + "decimal")
    matches: dict[tuple[str, str, str], Match] = {}
    records: dict[tuple[str, str, str], ox.NamedNode] = {}
    lines: dict[tuple[str, str, str, str, str], ox.NamedNode] = {}
    for row in rows:
        code = ctx.ccg_by_ons.get(row.ccg_ons)
        if code is None:
            continue
        match_key = (row.supplier, row.supplier_standard_name, code)
        match = matches.get(match_key)
        if match is None:
            match = matches[match_key] = matcher.match(
                row.supplier_standard_name, code, row.company_number, row.charity_number, "LA" in row.flags
            )
        # A name means the same supplier whoever paid it, except a practice name, matched within the payer.
        record_key = (row.supplier, row.supplier_standard_name, code if match.kind == "practice" else "")
        record = records.get(record_key)
        if record is None:
            record = records[record_key] = node(supplier_name_iri(_hash("\x1f".join(record_key))))
            payee = node(_payee(match))
            _write_supplier_name(matches_out, record, payee, match, row)
            _write_supplier(out, payee, match, row)
        line_key = (code, row.supplier, row.supplier_standard_name, row.expense_type, row.expense_area)
        line = lines.get(line_key)
        if line is None:
            line = lines[line_key] = node(spend_line_iri(_hash("\x1f".join(line_key))))
            _write_spend_line(out, line, code, record, node(_payee(match)), year, row)
        subject = node(payment_iri(release, row.line))
        out.add_terms(subject, p_line, line)
        out.add_terms(subject, p_amount, ox.Literal(str(row.amount), datatype=decimal))
        _tally(totals, code, match, row)
        totals.payments += 1
    return totals


def _write_spend_line(
    out: GraphWriter,
    line: ox.NamedNode,
    code: str,
    record: ox.NamedNode,
    payee: ox.NamedNode,
    year: ox.NamedNode,
    row: PaymentRow,
) -> None:
    """What the payments of one line share: payer, payee, the supplier name, year, expense type and area."""
    out.type(line.value, CCG.SpendLine)
    out.add(line, CCG.payer, ccg_iri(code))
    out.add(line, CCG.payee, payee)
    out.add(line, CCG.supplierName, record)
    out.add(line, CCG.financialYear, year)
    out.add(line, CCG.expenseType, row.expense_type or None)
    out.add(line, CCG.expenseArea, row.expense_area or None)


def _tally(totals: PaymentTotals, code: str, match: Match, row: PaymentRow) -> None:
    totals.matched[match.method] += row.amount
    if match.kind == "csu":
        totals.csu[(code, match.key)] += row.amount
        totals.csu_count[(code, match.key)] += 1
        totals.csu_names[match.key][row.supplier_standard_name] += row.amount
    elif match.kind == "trust":
        totals.provider[(code, match.key, row.expense_area)] += row.amount
    if row.expense_type.startswith(GP_CONTRACT_PREFIXES):
        totals.gp_contracts[code] += row.amount


def _write_supplier_name(
    out: GraphWriter, record: ox.NamedNode, payee: ox.NamedNode, match: Match, row: PaymentRow
) -> None:
    out.type(record.value, CCG.SupplierName)
    out.add(record, CCG.writtenName, row.supplier)
    out.add(record, CCG.standardName, row.supplier_standard_name)
    out.add(record, CCG.supplierSector, row.sector)
    out.add(record, CCG.matchedTo, payee)
    out.add(record, CCG.matchMethod, match_method_iri(match.method))
    if match.confidence:
        out.add(record, CCG.matchConfidence, match.confidence)


def _write_supplier(out: GraphWriter, payee: ox.NamedNode, match: Match, row: PaymentRow) -> None:
    """Describe a payee the rest of the graph does not (registered and named suppliers)."""
    if match.kind == "company":
        out.type(payee.value, CCG.RegisteredCompany)
        out.add(payee, CCG.companyNumber, match.key)
        out.label(payee.value, RDFS + "label", row.company_name or row.supplier_standard_name)
    elif match.kind == "charity":
        out.type(payee.value, CCG.RegisteredCharity)
        out.add(payee, CCG.charityNumber, match.key)
        out.label(payee.value, RDFS + "label", row.charity_name or row.supplier_standard_name)
    elif match.kind == "name":
        out.type(payee.value, CCG.NamedSupplier)
        out.label(payee.value, RDFS + "label", row.supplier_standard_name)


def write_derived(ctx: BuildContext, totals: PaymentTotals) -> None:
    """CSUs and their clients, CCG → trust providers per expense area, inferred delegation (rule graphs)."""
    year = financial_year_iri(SPEND_YEAR)
    csus = ctx.derived(
        "csu-clients",
        "Commissioning support units and their client CCGs, from payments",
        [SPEND],
        "A CSU is every supplier name the CSU rule matches, grouped by what is left of the name without NHS, "
        "CSU / COMMISSIONING SUPPORT UNIT and numbers; it is named by the spelling paid most. A CCG is the CSU's "
        "client in 2018/19 if it paid the CSU at least one payment of £25k or more that year (amount = their sum). "
        "Payments under £25k are not in the source, so a CCG can look as if it used no CSU.",
    )
    for key, spellings in sorted(totals.csu_names.items()):
        iri = named_csu_iri(csu_slug(key))
        name = max(sorted(spellings), key=lambda spelling: spellings[spelling])
        csus.type(iri, CCG.CommissioningSupportUnit)
        csus.name(iri, name)
        for spelling in sorted(spellings):
            if spelling != name:
                csus.label(iri, SKOS + "altLabel", spelling)
    for (code, key), amount in sorted(totals.csu.items()):
        relation = relation_iri("csu-client", code, csu_slug(key), "2018-19")
        csus.type(relation, CCG.CsuClientRelation)
        csus.add(relation, CCG.client, ccg_iri(code))
        csus.add(relation, CCG.supportUnit, named_csu_iri(csu_slug(key)))
        csus.add(relation, CCG.financialYear, year)
        csus.add(relation, CCG.amountGBP, ox.Literal(str(amount), datatype=ox.NamedNode(XSD + "decimal")))
        csus.add(relation, CCG.paymentCount, totals.csu_count[(code, key)])
        csus.add(ccg_iri(code), CCG.supportedBy, named_csu_iri(csu_slug(key)))
    providers = ctx.derived(
        "payment-providers",
        "CCG → NHS trust provider relations per expense area, from payments",
        [SPEND, source_graph_iri("derived/supplier-matches")],
        "A CCG commissioned from an NHS trust for an expense area in 2018/19 if it paid the trust (supplier name "
        "matched to the trust) at least one payment of £25k or more with that expense area (amount = their sum).",
    )
    period = ctx.time.interval(*financial_year_bounds(SPEND_YEAR))
    for (code, trust, area), amount in sorted(totals.provider.items()):
        relation = relation_iri("provider", code, trust, _hash(area or "-") + "/2018-19")
        providers.type(relation, CCG.ProviderRelation)
        providers.add(relation, CCG.purchaser, ccg_iri(code))
        providers.add(relation, CCG.provider, trust_iri(trust))
        providers.add(relation, CCG.serviceLabel, area or "(no expense area given)")
        providers.add(relation, CCG.financialYear, year)
        providers.add(relation, CCG.amountGBP, ox.Literal(str(amount), datatype=ox.NamedNode(XSD + "decimal")))
        providers.add(relation, CCG.relationBasis, CCG.PaymentEvidence)
        providers.add(relation, CCG.validDuringPeriod, period)
    delegation = ctx.derived(
        "delegation-inferred",
        "Delegated primary care commissioning inferred from GP contract payments",
        [SPEND],
        "Inference: a CCG that itself paid GP contract expense types (C&M-GMS…, C&M-PMS…, C&M-APMS…) in "
        "2018/19 held delegated primary medical care commissioning from NHS England that year, since only "
        "under delegation does a CCG pay GP contracts. Absence is not evidence (payments under £25k are absent).",
    )
    for code, amount in sorted(totals.gp_contracts.items()):
        relation = relation_iri("delegation-inferred", code, "primary-medical-care", "2018-19")
        delegation.type(relation, CCG.DelegationInference)
        delegation.add(relation, CCG.delegate, ccg_iri(code))
        delegation.add(relation, CCG.financialYear, year)
        delegation.add(relation, CCG.amountGBP, ox.Literal(str(amount), datatype=ox.NamedNode(XSD + "decimal")))


def share_matched(totals: PaymentTotals) -> Decimal:
    """The share of the £ paid whose supplier was matched to an organisation (not left a named supplier)."""
    total = sum(totals.matched.values(), Decimal(0))
    return (total - totals.matched["name"]) / total if total else Decimal(0)
