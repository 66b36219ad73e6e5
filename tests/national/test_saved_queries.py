"""Every saved query, run on the real national graph, with its answer asserted."""

from __future__ import annotations

import pytest

from ccg_graph.config import PROJECT_ROOT
from ccg_graph.queries import QueryCatalogue
from ccg_graph.store import EmbeddedStore

from ..conftest import sparql_values

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
