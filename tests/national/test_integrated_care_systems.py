"""The 2019 integrated care systems: organisations of their own, and the CCGs each covered, against the raw
ONS files read here."""

from __future__ import annotations

import csv
from collections import defaultdict

from ccg_graph.store import EmbeddedStore

from ..conftest import REFERENCE_DATA, sparql_values

ID = "https://w3id.org/ccg-graph/id/"
PREFIXES = """
PREFIX ccg: <https://w3id.org/ccg-graph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def raw_systems() -> dict[str, str]:
    with (REFERENCE_DATA / "ons-geography" / "ics19_names_codes_2019-12.csv").open(encoding="utf-8-sig") as handle:
        return {row["ICS19CD"]: row["ICS19NM"] for row in csv.DictReader(handle)}


def raw_ccgs_2019() -> tuple[dict[str, str], dict[str, set[str]]]:
    """CCG name -> ODS code, and STP name -> its CCGs' ODS codes, of the April 2019 lookup."""
    by_name: dict[str, str] = {}
    by_stp: dict[str, set[str]] = defaultdict(set)
    with (REFERENCE_DATA / "ons-geography" / "ccg19_to_stp19_2019-04.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            by_name[row["CCG19NM"]] = row["CCG19CDH"]
            by_stp[row["STP19NM"]].add(row["CCG19CDH"])
    return by_name, by_stp


def covered(store: EmbeddedStore) -> dict[str, set[str]]:
    rows = sparql_values(
        store,
        PREFIXES
        + """SELECT ?ics ?ccg WHERE {
            ?m org:organization ?ics ; org:member ?ccg ; org:role ccg:PartnerRole .
            ?ics a ccg:IntegratedCareSystem }""",
    )
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        found[row["ics"].removeprefix(ID + "ics/")].add(row["ccg"].removeprefix(ID + "ccg/"))
    return found


def test_each_listed_system_is_an_organisation_of_its_own_without_a_designation_date(
    national_store: EmbeddedStore,
) -> None:
    systems = raw_systems()
    rows = sparql_values(
        national_store,
        PREFIXES
        + """SELECT ?ics ?code ?comment ?basis WHERE {
            GRAPH ?g { ?ics a ccg:IntegratedCareSystem ; ccg:onsCode ?code ; rdfs:comment ?comment }
            ?g ccg:basis ?basis }""",
    )
    assert {row["code"] for row in rows} == set(systems)
    assert all(row["ics"] == f"{ID}ics/{row['code']}" for row in rows)
    assert all("no designation date" in row["comment"] for row in rows)
    assert {row["basis"] for row in rows} == {"https://w3id.org/ccg-graph/def#SourceRecord"}
    # Not STPs, and the ontology no longer makes them so.
    stp_too = sparql_values(
        national_store,
        PREFIXES + "SELECT ?x WHERE { ?x a ccg:IntegratedCareSystem , ccg:SustainabilityAndTransformationPartnership }",
    )
    assert stp_too == []
    superclasses = sparql_values(
        national_store, PREFIXES + "SELECT ?c WHERE { ccg:IntegratedCareSystem rdfs:subClassOf ?c }"
    )
    assert [row["c"] for row in superclasses] == ["http://www.w3.org/ns/org#Organization"]


def test_the_ccgs_each_system_covered_follow_the_name_rule_on_the_raw_lookup(national_store: EmbeddedStore) -> None:
    systems = {name: code for code, name in raw_systems().items()}
    by_name, by_stp = raw_ccgs_2019()
    found = covered(national_store)
    # Systems named as their STP was: all the CCGs of that STP (ONS added words such as "Health and Social Care
    # Partnership" to some STP names, so the STP is the one whose name begins with the system's).
    for system in ("Greater Manchester", "Surrey Heartlands", "South Yorkshire and Bassetlaw", "Frimley Health"):
        (stp,) = [name for name in by_stp if name.startswith(system)]
        assert found[systems[system]] == by_stp[stp], system
    (stp,) = [name for name in by_stp if name.startswith("Bedfordshire, Luton and Milton Keynes")]
    assert found[systems["Milton Keynes, Bedfordshire and Luton"]] == by_stp[stp]
    (stp,) = [name for name in by_stp if name.startswith("Nottingham and Nottinghamshire")]
    assert found[systems["Nottinghamshire"]] == by_stp[stp]
    # Systems smaller than any STP, named as one CCG was.
    assert found[systems["Buckinghamshire"]] == {by_name["NHS Buckinghamshire CCG"]}
    assert found[systems["West Berkshire"]] == {by_name["NHS Berkshire West CCG"]}
    assert found[systems["Dorset"]] == {by_name["NHS Dorset CCG"]}
    smallest_stp = min(len(ccgs) for ccgs in by_stp.values())
    assert len(found[systems["Buckinghamshire"]]) <= smallest_stp
    # Blackpool and Fylde Coast matches no CCG or STP name: no CCGs, and the graph says why.
    blackpool = systems["Blackpool and Fylde Coast"]
    assert blackpool not in found
    said = sparql_values(national_store, PREFIXES + f"SELECT ?c WHERE {{ <{ID}ics/{blackpool}> rdfs:comment ?c }}")
    assert any("not stated" in row["c"] for row in said)
    assert set(found) == set(systems.values()) - {blackpool}


def test_the_coverage_is_a_rule_dated_only_by_the_list(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIXES
        + """PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?g ?basis ?day ?during WHERE {
            GRAPH ?g { ?m org:organization ?ics ; ccg:referenceDate ?day . OPTIONAL { ?m org:memberDuring ?during } }
            ?ics a ccg:IntegratedCareSystem .
            ?g ccg:basis ?basis }""",
    )
    assert {(row["g"], row["basis"], row["day"]) for row in rows} == {
        (f"{ID}graph/derived/ics-2019-coverage", "https://w3id.org/ccg-graph/def#DerivedByRule", "2019-12-01")
    }
    assert all(row["during"] is None for row in rows)
