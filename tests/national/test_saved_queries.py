"""Every saved query, run on the real national graph, with its answer asserted."""

from __future__ import annotations

import csv
import functools
import gzip
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ccg_graph.core.config import PROJECT_ROOT
from ccg_graph.sparql.saved_queries import QueryCatalogue
from ccg_graph.store import EmbeddedStore

from ..conftest import REFERENCE_DATA, sparql_values

CATALOGUE = QueryCatalogue(PROJECT_ROOT / "queries")
ID = "https://w3id.org/ccg-graph/id/"


def run(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    saved = CATALOGUE.get(name)
    return sparql_values(store, saved.text, saved.bind(params))


def test_there_are_at_least_twenty_saved_queries_with_headers() -> None:
    assert len(CATALOGUE) >= 20
    for saved in CATALOGUE:
        assert saved.title and saved.purpose and saved.returns, saved.name


def test_every_saved_query_has_a_test_below() -> None:
    source = (PROJECT_ROOT / "tests" / "national" / "test_saved_queries.py").read_text()
    missing = [name for name in CATALOGUE.names() if f'"{name}"' not in source]
    assert missing == []


@pytest.mark.parametrize(
    ("as_of", "ccgs", "icbs"),
    [
        ("2013-04-01", 211, 0),
        ("2015-04-01", 209, 0),
        ("2017-04-01", 207, 0),
        ("2018-04-01", 195, 0),
        ("2019-04-01", 191, 0),
        ("2020-04-01", 135, 0),
        ("2021-04-01", 106, 0),
        ("2022-06-30", 106, 0),
        ("2022-07-01", 0, 42),
    ],
)
def test_published_counts(national_store: EmbeddedStore, as_of: str, ccgs: int, icbs: int) -> None:
    [row] = run(national_store, "commissioner-counts-on", as_of=as_of)
    assert (int(row["ccgs"]), int(row["icbs"])) == (ccgs, icbs)
    assert len(run(national_store, "ccgs-open-on", as_of=as_of)) == ccgs


def test_count_by_month(national_store: EmbeddedStore) -> None:
    rows = {r["month"]: int(r["ccgs"]) for r in run(national_store, "ccg-count-by-month")}
    assert len(rows) == 112
    assert rows["2013-04-01"] == 211 and rows["2020-04-01"] == 135 and rows["2022-07-01"] == 0


def test_member_practices_and_history(national_store: EmbeddedStore) -> None:
    practices = run(national_store, "ccg-member-practices-on", ccg=ID + "ccg/00C", as_of="2015-04-01")
    assert len(practices) == 11
    history = run(national_store, "practice-membership-history", practice=ID + "practice/A81001")
    assert [(r["code"], r["joined"]) for r in history][:2] == [("00K", "2013-04-01"), ("16C", "2020-04-01")]
    assert all(r["sources"] for r in history)


def test_practices_per_ccg(national_store: EmbeddedStore) -> None:
    rows = run(national_store, "practices-per-ccg-on", as_of="2021-01-01")
    assert len(rows) == 135
    assert 6000 < sum(int(r["practices"]) for r in rows) < 7200


def test_oversight_and_regions(national_store: EmbeddedStore) -> None:
    teams = run(national_store, "ccg-oversight-on", ccg=ID + "ccg/00C", as_of="2013-04-01")
    assert {r["code"] for r in teams} == {"Q45", "Y54"}
    by_region = run(national_store, "ccgs-by-region-on", as_of="2019-04-01")
    assert len(by_region) == 7 and sum(int(r["ccgs"]) for r in by_region) == 191
    assert {r["code"] for r in run(national_store, "regions-on", as_of="2019-04-01")} == {
        "Y56",
        "Y58",
        "Y59",
        "Y60",
        "Y61",
        "Y62",
        "Y63",
    }
    assert {r["code"] for r in run(national_store, "regions-on", as_of="2014-01-01")} == {"Y54", "Y55", "Y56", "Y57"}


def test_accountability_path(national_store: EmbeddedStore) -> None:
    path = {r["body"]: int(r["steps"]) for r in run(national_store, "accountability-path", organisation=ID + "ccg/00C")}
    assert path[ID + "organisation/nhs-england"] == 1
    assert path[ID + "post/secretary-of-state-for-health"] == 2
    assert path[ID + "organisation/parliament"] == 3


def test_lineage(national_store: EmbeddedStore) -> None:
    tree = run(national_store, "predecessor-tree", organisation=ID + "icb/QHM")
    codes = {r["code"] for r in tree}
    assert {"00C", "16C", "13T", "00F"} <= codes and "5J9" in codes
    chain = [r["code"] for r in run(national_store, "successor-chain", organisation=ID + "ccg/00C")]
    assert chain == ["16C", "QHM"]
    mergers = run(national_store, "mergers")
    assert len(mergers) == 37 and sum(int(r["merged"]) for r in mergers) == 142
    waves = run(national_store, "merger-waves-by-region")
    assert sum(int(r["closed_ccgs"]) for r in waves) == 142
    icbs = run(national_store, "icb-predecessors")
    assert len(icbs) == 42 and sum(int(r["ccgs_replaced"]) for r in icbs) == 106


def test_2013_handover(national_store: EmbeddedStore) -> None:
    pairs = run(national_store, "pct-to-ccg-2013")
    # The reference-data README says 373; its own method gives 320 on epcmem_2019-10 (see the data notes).
    assert len(pairs) == 320
    assert len({r["pct_code"] for r in pairs}) == 151 and len({r["ccg_code"] for r in pairs}) == 211
    shas = run(national_store, "pcts-and-shas-2012")
    assert len({r["pct_code"] for r in shas}) == 151 and len(shas) == 155


def test_stps(national_store: EmbeddedStore) -> None:
    rows = run(national_store, "stp-memberships-on", as_of="2020-04-01")
    assert len(rows) == 135 and len({r["stp"] for r in rows}) == 42


def test_names_and_codes(national_store: EmbeddedStore) -> None:
    names = run(national_store, "ccg-names", ccg=ID + "ccg/15N")
    assert "NHS Devon CCG" in {r["name"] for r in names}
    [hit] = run(national_store, "ons-code-on", code="E38000001", as_of="2017-04-01")
    assert hit["ods_code"] == "02N"
    crosswalk = run(national_store, "code-crosswalk")
    assert len({r["ods_code"] for r in crosswalk}) == 248


def test_geography(national_store: EmbeddedStore) -> None:
    [brighton] = run(national_store, "ccg-district-overlaps", organisation=ID + "ccg/09D", year="2019")
    assert brighton["district_name"] == "Brighton and Hove" and brighton["share_of_ccg"] == "1"
    coterminous = run(national_store, "coterminous-ccgs", year="2019")
    assert ("00C", "district") in {(r["ccg_code"], r["tier"]) for r in coterminous}


def test_services_and_governance(national_store: EmbeddedStore) -> None:
    assert len(run(national_store, "ccg-services", ccg=ID + "ccg/00C")) == 8
    scheme = run(national_store, "who-commissions-what")
    reserved = {r["name"] for r in scheme if r["reserved_to"]}
    assert "General practice contracts" in reserved and "Public health" not in reserved
    posts = run(national_store, "governing-body", ccg=ID + "ccg/00C")
    assert len(posts) == 8
    roles = {r["role"].rsplit("#", 1)[-1]: r for r in posts}
    assert "GPRepresentativeRole" in roles and not any(r["holder"] for r in posts)
    assert roles["RegisteredNurseRole"]["basis"] == (
        "required by NHS (Clinical Commissioning Groups) Regulations 2012, reg. 11; holder not recorded"
    )


def test_ccg_services_apply_the_national_scheme_to_the_ccg_life(national_store: EmbeddedStore) -> None:
    # 13T opened on its merger date, 1 April 2015, and lasted to the abolition.
    rows = run(national_store, "ccg-services", ccg=ID + "ccg/13T")
    assert len(rows) == 8
    assert {(r["from"], r["to"], r["basis"]) for r in rows} == {
        ("2015-04-01", "2022-06-30", "https://w3id.org/ccg-graph/def#StatutoryRequirement")
    }


def test_populations_and_provenance(national_store: EmbeddedStore) -> None:
    measures = {r["measure"].rsplit("/", 1)[-1] for r in run(national_store, "ccg-populations", ccg=ID + "ccg/00C")}
    assert {"qof-list-size", "prescribing-list-size"} <= measures
    sources = run(national_store, "provenance-of", resource=ID + "ccg/00C")
    assert any(r["source_title"] == "ods-ccg/eccg_2024-25.csv" for r in sources)


def test_organisation_crosswalk(national_store: EmbeddedStore) -> None:
    rows = run(national_store, "organisation-crosswalk")
    kinds = {r["kind"] for r in rows}
    assert {"CCG", "ICB", "STP", "NHS England region", "sub-ICB location", "local authority"} <= kinds
    ccg_codes = {r["ods_code"] for r in rows if r["kind"] == "CCG"}
    assert len(ccg_codes) == 248
    assert len({r["organisation"] for r in rows if r["kind"] == "ICB"}) == 42
    darlington = [r for r in rows if r["kind"] == "CCG" and r["ods_code"] == "00C"]
    assert [(r["ons_code"], r["ons_from"], r["ons_to"]) for r in darlington] == [
        ("E38000042", "2013-04-01", "2020-03-31")
    ]


def test_ccg_practice_populations(national_store: EmbeddedStore) -> None:
    measure = ID + "population-measure/registered-patients"
    day = "2021-01-01"
    rows = run(national_store, "ccg-practice-populations", as_of=day, measure=measure, measured_on=day)
    assert len(rows) == 135
    # Summed from the practices, the national total matches the CCG-level sums of the same release.
    total = sum(int(r["people"]) for r in rows)
    assert 60_000_000 < total < 61_000_000
    assert all(int(r["practices_counted"]) <= int(r["practices"]) for r in rows)
    april_2013 = run(
        national_store,
        "ccg-practice-populations",
        as_of="2013-04-01",
        measure=ID + "population-measure/prescribing-list-size",
        measured_on="2013-04-01",
    )
    assert len(april_2013) == 211 and 55_000_000 < sum(int(r["people"]) for r in april_2013) < 57_000_000


def test_locate(national_store: EmbeddedStore) -> None:
    """Corby: its own CCG in 2016, Northamptonshire CCG in 2021, the sub-ICB location and ICB after July 2022
    (tests/national/test_places.py checks the answers against the boundary files themselves)."""
    corby = {"lat": "52.4888", "lon": "-0.7013"}
    assert [
        (r["code"], r["kind"], r["edition"]) for r in run(national_store, "locate", as_of="2016-06-01", **corby)
    ] == [("03V", "CCG", "ccg15")]
    assert [r["code"] for r in run(national_store, "locate", as_of="2021-06-01", **corby)] == ["78H"]
    after = {(r["kind"], r["code"]) for r in run(national_store, "locate", as_of="2022-08-01", **corby)}
    assert after == {("ICB", "QPM"), ("sub-ICB location", "78H")}
    assert run(national_store, "locate", as_of="2012-06-01", **corby) == []


def test_local_government_and_disease_register_queries_answer(national_store: EmbeddedStore) -> None:
    # Checked against the raw files in test_local_government.py and test_disease_registers.py.
    assert len(run(national_store, "local-authorities-on", as_of="2021-04-01")) > 300
    boards = run(national_store, "ccg-health-and-wellbeing-boards-on", ccg=ID + "ccg/03V", as_of="2019-10-01")
    assert boards and abs(sum(float(b["share"]) for b in boards) - 1) < 1e-5
    assert len(run(national_store, "ccg-disease-registers", ccg=ID + "ccg/00C")) == 24


# --- money, providers and support (batch 2): expected values computed here from the raw files ---------------
SPEND = REFERENCE_DATA / "ccg-spend-3sc" / "ccg_invoices_over_25k_2018-19.csv.gz"
_CSU_WORDS = re.compile(r"\b(NHS|CSU|COMMISSIONING SUPPORT UNIT|[0-9]+)\b")


@functools.cache
def _spend_rows() -> list[dict[str, str]]:
    with gzip.open(SPEND, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _e38_to_ods() -> dict[str, str]:
    """The 2018 ONS lookup names each CCG of 2018/19 by E38 and ODS code."""
    path = REFERENCE_DATA / "ons-geography" / "ccg18_to_stp18_2018-04.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["CCG18CD"]: row["CCG18CDH"] for row in csv.DictReader(handle)}


def test_payment_totals_nationally_and_per_ccg(national_store: EmbeddedStore) -> None:
    rows = _spend_rows()
    expected_total = sum(Decimal(r["Amount"]) for r in rows)
    assert len(rows) == 225_889 and len({r["CCGCode"] for r in rows}) == 189
    assert round(expected_total / Decimal(10**9), 2) == Decimal("70.50")
    [national] = sparql_values(
        national_store,
        "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT (COUNT(?p) AS ?n) (SUM(?a) AS ?total) "
        "(COUNT(DISTINCT ?ccg) AS ?ccgs) WHERE { ?p ccg:spendLine/ccg:payer ?ccg ; ccg:amountGBP ?a }",
    )
    assert int(national["n"]) == len(rows)
    assert Decimal(national["total"]) == expected_total
    assert int(national["ccgs"]) == 189
    by_ccg: dict[str, Decimal] = {}
    for r in rows:
        by_ccg[r["CCGCode"]] = by_ccg.get(r["CCGCode"], Decimal(0)) + Decimal(r["Amount"])
    codes = _e38_to_ods()
    for e38 in sorted(by_ccg, key=lambda code: -by_ccg[code])[:3] + sorted(by_ccg)[:2]:
        answer = run(national_store, "ccg-payments", ccg=f"{ID}ccg/{codes[e38]}", financial_year="2018/19")
        assert sum(Decimal(row["amount_gbp"]) for row in answer) == by_ccg[e38], e38
        assert sum(int(row["payments"]) for row in answer) == sum(r["CCGCode"] == e38 for r in rows)
        assert {row["supplier_kind"] for row in answer} <= {r["SupplierSector"] for r in rows}
    assert run(national_store, "ccg-payments", ccg=f"{ID}ccg/00C", financial_year="2017/18") == []


def test_csu_clients_and_market_shares(national_store: EmbeddedStore) -> None:
    pairs: dict[tuple[str, str], Decimal] = {}
    for r in _spend_rows():
        name = r["SUPPLIER_STANDARD_NAME"].replace("&", " AND ")
        if re.search(r"\b(CSU|COMMISSIONING SUPPORT UNIT)\b", name):
            key = (r["CCGCode"], " ".join(_CSU_WORDS.sub(" ", name).split()))
            pairs[key] = pairs.get(key, Decimal(0)) + Decimal(r["Amount"])
    answer = run(national_store, "csu-clients", financial_year="2018/19")
    assert len(answer) == len(pairs)
    assert sum(Decimal(row["amount_gbp"]) for row in answer) == sum(pairs.values())
    codes = _e38_to_ods()
    assert {row["ccg_code"] for row in answer} == {codes[ccg] for ccg, _ in pairs}
    shares = run(national_store, "csu-market-shares", financial_year="2018/19")
    assert len(shares) == len({csu for _, csu in pairs})
    assert sorted(int(row["clients"]) for row in shares) == sorted(
        len({ccg for ccg, csu in pairs if csu == key}) for key in {csu for _, csu in pairs}
    )
    assert abs(sum(float(row["share"]) for row in shares) - 1) < 1e-9


def test_spend_by_supplier_kind_and_share_matched(national_store: EmbeddedStore) -> None:
    rows = _spend_rows()
    answer = run(national_store, "spend-by-supplier-kind", financial_year="2018/19")
    expected: dict[str, Decimal] = {}
    for r in rows:
        expected[r["SupplierSector"]] = expected.get(r["SupplierSector"], Decimal(0)) + Decimal(r["Amount"])
    assert {row["supplier_kind"]: Decimal(row["amount_gbp"]) for row in answer} == expected
    [matched] = sparql_values(
        national_store,
        "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT (SUM(?a) AS ?matched) WHERE { "
        "?p ccg:spendLine/ccg:supplierName/ccg:matchMethod ?m ; ccg:amountGBP ?a FILTER (?m != ccg:NameOnly) }",
    )
    share = Decimal(matched["matched"]) / sum(expected.values())
    assert Decimal("0.5") < share < 1  # the share is stated in docs/data-derivation.md


def test_delegation_inferred_from_gp_contract_payments(national_store: EmbeddedStore) -> None:
    paying = {r["CCGCode"] for r in _spend_rows() if r["ExpenseType"].startswith(("C&M-GMS", "C&M-PMS", "C&M-APMS"))}
    [row] = sparql_values(
        national_store,
        "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE "
        "{ ?d a ccg:DelegationInference ; ccg:delegate ?c }",
    )
    assert int(row["n"]) == len(paying)


def _csv(relative: str, skip: int = 0) -> list[dict[str, str]]:
    with (REFERENCE_DATA / relative).open(encoding="utf-8-sig", newline="") as handle:
        for _ in range(skip):
            handle.readline()
        return list(csv.DictReader(handle))


def test_allocations(national_store: EmbeddedStore) -> None:
    indicative = _csv("nhse-allocations/ccg_allocations_2019-20_indicative_209ccgs.csv")
    darlington = next(r for r in indicative if r["CCG"] == "NHS Darlington CCG")
    answer = run(national_store, "ccg-allocation", ccg=f"{ID}ccg/00C", financial_year="2019/20")
    by_kind = {row["kind"]: row for row in answer}
    assert Decimal(by_kind["indicative"]["allocation_gbp"]) == Decimal(darlington["Final allocation"]) * 1000
    assert int(by_kind["indicative"]["per_head_gbp"]) == int(darlington["Per capita allocation"])
    practices = _csv("nhse-allocations/gp_practice_weighted_population_2019-20_by_ics.csv")
    target = sum(float(r["Target_inc_remote_£k"]) for r in practices if r["CCG"] == "00C") * 1000
    assert abs(float(by_kind["target"]["allocation_gbp"]) - target) < 0.01
    devon = sum(float(r["Target_inc_remote_£k"]) for r in practices if r["CCG"] in ("99P", "99Q")) * 1000
    [devon_row] = [
        row
        for row in run(national_store, "ccg-allocation", ccg=f"{ID}ccg/15N", financial_year="2019/20")
        if row["kind"] == "target"
    ]
    assert abs(float(devon_row["allocation_gbp"]) - devon) < 0.01
    # Every row whose name is an ONS April 2016 CCG name (case and "&" normalised) is that CCG's allocation,
    # except a row repeating every figure of the row before it (reported as a quirk, not read).
    names_2016 = {}
    for row in _csv("ons-geography/lsoa11_to_ccg16_to_lad16_2016-04.csv"):
        names_2016[row["CCG16NM"].lower().replace("&", "and")] = row["CCG16CDH"]
    expected, previous = {}, None
    for row in indicative:
        figures = [value for key, value in row.items() if key != "CCG"]
        code = names_2016.get(row["CCG"].lower().replace("&", "and"))
        if code and figures != previous:
            expected[code] = Decimal(row["Final allocation"]) * 1000
        previous = figures
    per_head = run(national_store, "allocation-per-head", financial_year="2019/20")
    found = {row["ccg_code"]: Decimal(row["allocation_gbp"]) for row in per_head}
    assert len(expected) > 200 and {code: found.get(code) for code in expected} == expected
    [quirk] = sparql_values(
        national_store,
        "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT ?q WHERE { ?q a ccg:SourceQuirk ; ccg:sourceRow 102 }",
    )
    assert quirk["q"].endswith("row-102-repeats-row-101")


def test_mental_health_spend(national_store: EmbeddedStore) -> None:
    spend = _csv("nhse-mental-health-dashboard/mhf_ii_a_mh_total_spend_gbp_2016-17_to_2021-22.csv", skip=9)
    share = _csv("nhse-mental-health-dashboard/mhf_i_mh_spend_pct_of_ccg_allocation_2016-17_to_2021-22.csv", skip=9)
    met = _csv("nhse-mental-health-dashboard/mhf_iii_mh_investment_standard_met_2016-17_to_2021-22.csv", skip=9)
    for code, year in (("D4U1Y", "2019/20"), ("00L", "2018/19"), ("15N", "2020/21")):
        [row] = run(national_store, "ccg-mental-health-spend", ccg=f"{ID}ccg/{code}", financial_year=year)
        [s] = [r for r in spend if r["Org code"] == code]
        [f] = [r for r in share if r["Org code"] == code]
        [m] = [r for r in met if r["Org code"] == code]
        assert abs(float(row["spend_gbp"]) - float(s[year])) < 0.01
        assert abs(float(row["planned_gbp"]) - float(s[f"{year} planned"])) < 0.01
        assert abs(float(row["share_of_allocation"]) - float(f[year])) < 1e-9
        assert row["investment_standard_met"] == {"Y": "true", "N": "false"}.get(m[year])  # '' or #N/A: none
        implied = [
            r
            for r in run(national_store, "ccg-allocation", ccg=f"{ID}ccg/{code}", financial_year=year)
            if r["kind"] == "implied"
        ]
        assert abs(float(implied[0]["allocation_gbp"]) - float(s[year]) / float(f[year])) < 0.01
    [restated] = run(national_store, "ccg-mental-health-spend", ccg=f"{ID}ccg/D4U1Y", financial_year="2016/17")
    assert restated["restated"] == "true"  # Frimley CCG opened in 2021: 2016/17 is its predecessors'


def test_cancer_alliances(national_store: EmbeddedStore) -> None:
    lookup = _csv("ons-geography/ccg18_to_stp18_to_cal18_2018-04.csv")
    for row in lookup[:5]:
        answer = run(national_store, "ccg-cancer-alliance-on", ccg=f"{ID}ccg/{row['CCG18CDH']}", as_of="2018-06-01")
        expected = [] if row["CALNCV18CD"].startswith("E57") else [row["CALNCV18CD"]]
        assert [a["code"] for a in answer] == expected
    vanguard = next(r for r in lookup if r["CALNCV18CD"].startswith("E57"))
    assert (
        run(national_store, "ccg-cancer-alliance-on", ccg=f"{ID}ccg/{vanguard['CCG18CDH']}", as_of="2018-06-01") == []
    )
    assert run(national_store, "ccg-cancer-alliance-on", ccg=f"{ID}ccg/02N", as_of="2020-06-01") == []


def test_providers_from_payments_and_iapt(national_store: EmbeddedStore) -> None:
    pairs = _csv("nhs-digital-iapt/iapt_ccg_provider_pairs_2020-09_to_2021-09.csv")
    northumberland = {r["trust_code"] for r in pairs if r["CCG21CDH"] == "00L"}
    iapt = run(national_store, "ccg-providers", ccg=f"{ID}ccg/00L", as_of="2021-01-01")
    assert {row["provider"].rsplit("/", 1)[-1] for row in iapt} == northumberland
    assert {row["basis"] for row in iapt} == {"IAPT activity"}
    paid = run(national_store, "ccg-providers", ccg=f"{ID}ccg/00L", as_of="2018-10-01")
    assert paid and {row["basis"] for row in paid} == {"payments"}
    assert all("/id/trust/" in row["provider"] for row in paid)


# --- the research guide's worked questions (issues 18 and 19): expected values from the raw files ------------
def ods_ccg_lives() -> dict[str, tuple[date, date]]:
    """Every CCG's open and last day from ODS `eccg_2024-25.csv` (README: column 14 empty, RO319 or
    RO319|RO326 are CCGs; an empty close date is a CCG that became a sub-ICB location on 1 July 2022), a CCG
    created by a merger opening on the merger's effective date in `succ_2026.csv` (ODS opens 13T in 2014-11,
    months before its predecessors closed: docs/data-derivation.md, rule 2)."""

    def day(text: str) -> date:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))

    with (REFERENCE_DATA / "ods-ccg" / "eccg_2024-25.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row[13] in ("", "RO319", "RO319|RO326")]
    lives = {row[0]: (day(row[10]), day(row[11]) if row[11] else date(2022, 6, 30)) for row in rows}
    with (REFERENCE_DATA / "ods-ccg" / "succ_2026.csv").open(encoding="utf-8", newline="") as handle:
        for predecessor, successor, _, effective, _ in csv.reader(handle):
            if predecessor in lives and successor in lives:
                lives[successor] = (day(effective), lives[successor][1])
    return lives


def ccg_counts_by_change_day() -> dict[str, tuple[int, int, int]]:
    """For every day a CCG opened or the day after one's last day: (open that day, opened, closed the day before)."""
    lives = ods_ccg_lives()
    days = {opened for opened, _ in lives.values()} | {last + timedelta(days=1) for _, last in lives.values()}
    return {
        day.isoformat(): (
            sum(opened <= day <= last for opened, last in lives.values()),
            sum(opened == day for opened, _ in lives.values()),
            sum(last + timedelta(days=1) == day for _, last in lives.values()),
        )
        for day in sorted(days)
    }


def csu_key(supplier_standard_name: str) -> str | None:
    """The CSU a 3SC supplier name names (docs/data-derivation.md, item 16), or None: the graph's id:csu/ slug."""
    name = supplier_standard_name.replace("&", " AND ")
    if not re.search(r"\b(CSU|COMMISSIONING SUPPORT UNIT)\b", name):
        return None
    return "-".join(_CSU_WORDS.sub(" ", name).split()).lower()


def region_of_2018_ccgs() -> dict[str, str]:
    """E38 code -> NHS England region name, from the ONS April 2018 CCG -> local office -> region lookup."""
    return {row["CCG18CD"]: row["NHSER18NM"] for row in _csv("ons-geography/ccg18_to_nhsrlo18_to_nhser18_2018-04.csv")}


def test_ccg_count_by_change_date(national_store: EmbeddedStore) -> None:
    expected = ccg_counts_by_change_day()
    answer = run(national_store, "ccg-count-by-change-date")
    found = {r["day"]: (int(r["ccgs"]), int(r["opened"] or 0), int(r["closed"] or 0)) for r in answer}
    assert found == expected
    assert [r["ccgs"] for r in answer] == ["211", "209", "207", "195", "191", "135", "106", "0"]


def test_ccg_spend_totals(national_store: EmbeddedStore) -> None:
    expected: dict[str, Decimal] = {}
    payments: dict[str, int] = {}
    for r in _spend_rows():
        expected[r["CCGCode"]] = expected.get(r["CCGCode"], Decimal(0)) + Decimal(r["Amount"])
        payments[r["CCGCode"]] = payments.get(r["CCGCode"], 0) + 1
    codes = _e38_to_ods()
    answer = run(national_store, "ccg-spend-totals", financial_year="2018/19")
    assert {r["code"]: Decimal(r["spend_gbp"]) for r in answer} == {codes[e38]: v for e38, v in expected.items()}
    assert {r["code"]: int(r["payments"]) for r in answer} == {codes[e38]: n for e38, n in payments.items()}
    assert [Decimal(r["spend_gbp"]) for r in answer] == sorted(expected.values(), reverse=True)
    assert run(national_store, "ccg-spend-totals", financial_year="2017/18") == []


def test_csu_market_shares_by_region(national_store: EmbeddedStore) -> None:
    regions = region_of_2018_ccgs()
    clients: dict[tuple[str, str], set[str]] = {}
    amounts: dict[tuple[str, str], Decimal] = {}
    for r in _spend_rows():
        csu = csu_key(r["SUPPLIER_STANDARD_NAME"])
        if csu is not None:
            key = (regions[r["CCGCode"]], csu)
            clients.setdefault(key, set()).add(r["CCGCode"])
            amounts[key] = amounts.get(key, Decimal(0)) + Decimal(r["Amount"])
    answer = run(national_store, "csu-market-shares-by-region", financial_year="2018/19")
    found = {(r["region_name"], r["csu"].rsplit("/", 1)[-1]): r for r in answer}
    assert set(found) == set(clients)
    for key, row in found.items():
        assert int(row["clients"]) == len(clients[key]), key
        assert Decimal(row["amount_gbp"]) == amounts[key], key
        region_total = sum(v for (region, _), v in amounts.items() if region == key[0])
        assert abs(float(row["share"]) - float(amounts[key] / region_total)) < 1e-9, key
        assert int(row["region_ccgs"]) == len(set().union(*(c for (g, _), c in clients.items() if g == key[0])))


def test_allocations_in_year(national_store: EmbeddedStore) -> None:
    practices = _csv("nhse-allocations/gp_practice_weighted_population_2019-20_by_ics.csv")
    in_2019 = run(national_store, "allocations-in-year", financial_year="2019/20")
    targets = {r["code"]: float(r["allocation_gbp"]) for r in in_2019 if r["kind"] == "target"}
    practice_codes = {r["CCG"] for r in practices if r["Practice"]}  # the blank and totals rows name no practice
    assert set(targets) == practice_codes | {"15N"}  # Devon (15N) from its predecessors' practices, 99P and 99Q
    darlington = sum(float(r["Target_inc_remote_£k"]) for r in practices if r["CCG"] == "00C") * 1000
    assert abs(targets["00C"] - darlington) < 0.01
    indicative = next(r for r in in_2019 if r["kind"] == "indicative" and r["code"] == "00C")
    [raw] = [
        r
        for r in _csv("nhse-allocations/ccg_allocations_2019-20_indicative_209ccgs.csv")
        if r["CCG"] == "NHS Darlington CCG"
    ]
    assert Decimal(indicative["allocation_gbp"]) == Decimal(raw["Final allocation"]) * 1000
    assert int(indicative["per_head_gbp"]) == int(raw["Per capita allocation"])
    # Implied 2018/19 = outturn ÷ share, for the dashboard's CCGs; restated where the CCG opened after 1 April 2018.
    spend = _csv("nhse-mental-health-dashboard/mhf_ii_a_mh_total_spend_gbp_2016-17_to_2021-22.csv", skip=9)
    share = _csv("nhse-mental-health-dashboard/mhf_i_mh_spend_pct_of_ccg_allocation_2016-17_to_2021-22.csv", skip=9)

    def numbers(rows: list[dict[str, str]]) -> dict[str, float]:
        found = {}
        for r in rows:
            if r["Org Type"] == "CCG":
                try:
                    found[r["Org code"]] = float(r["2018/19"])
                except ValueError:  # '#N/A' or empty: no figure
                    continue
        return found

    shares, outturn = numbers(share), numbers(spend)
    lives = ods_ccg_lives()
    implied = {r["code"]: r for r in run(national_store, "allocations-in-year", financial_year="2018/19")}
    assert {r["kind"] for r in implied.values()} == {"implied"}
    assert set(implied) == {code for code in shares if shares[code] > 0 and code in outturn}
    for code, row in implied.items():
        assert abs(float(row["allocation_gbp"]) - outturn[code] / shares[code]) < 0.01, code
        assert row["restated"] == ("true" if lives[code][0] > date(2018, 4, 1) else "false"), code
