"""The national build: what it holds, its invariants, provenance and determinism."""

from __future__ import annotations

import gzip
from datetime import date, timedelta

from ccg_graph.core.config import Settings
from ccg_graph.core.namespaces import CCG
from ccg_graph.national.build import BuildSummary, assemble, sorted_nquads
from ccg_graph.store import EmbeddedStore

from ..conftest import sparql_values

PREFIX = "PREFIX ccg: <https://w3id.org/ccg-graph/def#> PREFIX org: <http://www.w3.org/ns/org#> "


def test_instances_by_class(national_build: BuildSummary) -> None:
    counts = national_build.instances_by_class
    assert counts[str(CCG.ClinicalCommissioningGroup)] == 248
    assert counts[str(CCG.IntegratedCareBoard)] == 42
    assert counts[str(CCG.SubICBLocation)] == 106
    assert counts[str(CCG.PrimaryCareTrust)] == 151
    assert counts[str(CCG.StrategicHealthAuthority)] == 10
    assert counts[str(CCG.NHSEnglandAreaTeam)] == 25
    assert counts[str(CCG.MergerEvent)] == 37
    assert counts[str(CCG.GoverningBody)] == 248
    assert counts[str(CCG.GPPractice)] > 8000


def test_every_closed_ccg_has_one_successor_opening_the_next_day(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT ?c ?close ?s ?open WHERE { ?c a ccg:ClinicalCommissioningGroup ; ccg:closeDate ?close ."
        " OPTIONAL { ?c ccg:successor ?s . ?s ccg:openDate ?open } }",
    )
    assert len(rows) == 248
    by_ccg: dict[str, list[dict]] = {}
    for row in rows:
        by_ccg.setdefault(row["c"], []).append(row)
    for ccg, successors in by_ccg.items():
        assert len(successors) == 1, f"{ccg} has {len(successors)} successors"
        row = successors[0]
        assert row["s"] is not None, f"{ccg} closed with no successor"
        assert date.fromisoformat(row["open"]) == date.fromisoformat(row["close"]) + timedelta(days=1), row


def test_merger_successors_are_the_ods_successor_file(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ccg:ClinicalCommissioningGroup ; ccg:successor ?s ."
        " ?s a ccg:ClinicalCommissioningGroup }",
    )
    assert rows[0]["n"] == "142"


def test_13t_opens_on_its_merger_date_and_keeps_the_ods_date(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT ?open ?ods WHERE { <https://w3id.org/ccg-graph/id/ccg/13T> ccg:openDate ?open ;"
        " ccg:odsOpenDate ?ods }",
    )
    assert rows == [{"open": "2015-04-01", "ods": "2014-11-26"}]


def test_every_ccg_reaches_the_secretary_of_state_and_parliament(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ccg:ClinicalCommissioningGroup ;"
        " ccg:accountableTo+ <https://w3id.org/ccg-graph/id/post/secretary-of-state-for-health> ;"
        " ccg:accountableTo+ <https://w3id.org/ccg-graph/id/organisation/parliament> }",
    )
    assert rows[0]["n"] == "248"


def test_no_practice_is_in_two_ccgs_on_one_day(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "PREFIX time: <http://www.w3.org/2006/time#> SELECT ?p WHERE {"
        " ?m1 org:member ?p ; org:role ccg:MemberPracticeRole ; org:organization ?a ; org:memberDuring ?i1 ."
        " ?m2 org:member ?p ; org:role ccg:MemberPracticeRole ; org:organization ?b ; org:memberDuring ?i2 ."
        " ?a a ccg:ClinicalCommissioningGroup . ?b a ccg:ClinicalCommissioningGroup . FILTER (?m1 != ?m2)"
        " ?i1 time:hasBeginning/time:inXSDDate ?s1 . ?i2 time:hasBeginning/time:inXSDDate ?s2 ."
        " OPTIONAL { ?i1 time:hasEnd/time:inXSDDate ?e1 } OPTIONAL { ?i2 time:hasEnd/time:inXSDDate ?e2 }"
        " FILTER (?s1 <= ?s2 && (!BOUND(?e1) || ?e1 >= ?s2)) } LIMIT 5",
    )
    assert rows == []


def test_every_named_graph_has_provenance(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o }"
        " FILTER NOT EXISTS { ?g prov:wasGeneratedBy ?build } } GROUP BY ?g",
    )
    assert {r["g"] for r in rows} == set()


def test_every_named_graph_in_the_store_has_exactly_one_basis(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT ?g (COUNT(DISTINCT ?basis) AS ?n) WHERE {"
        " { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } } OPTIONAL { ?g ccg:basis ?basis } } GROUP BY ?g",
    )
    assert len(rows) > 50
    assert [r for r in rows if r["n"] != "1"] == []
    named = {r["g"] for r in rows}
    assert {"https://w3id.org/ccg-graph/def", "https://w3id.org/ccg-graph/shapes"} <= named


def test_every_described_graph_has_exactly_one_basis(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX ccg: <https://w3id.org/ccg-graph/def#>"
        " SELECT ?g (COUNT(DISTINCT ?basis) AS ?n) WHERE { ?g prov:wasGeneratedBy ?build"
        " OPTIONAL { ?g ccg:basis ?basis } } GROUP BY ?g",
    )
    assert rows
    assert [r for r in rows if r["n"] != "1"] == []
    bases = sparql_values(
        national_store,
        "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT DISTINCT ?basis WHERE { ?g ccg:basis ?basis }",
    )
    allowed = {
        f"https://w3id.org/ccg-graph/def#{name}" for name in ("SourceRecord", "DerivedByRule", "StatutoryRequirement")
    }
    assert {r["basis"] for r in bases} <= allowed
    source = "https://w3id.org/ccg-graph/id/graph/ods-ccg/succ_2026"
    assert sparql_values(
        national_store, f"SELECT ?b WHERE {{ <{source}> <https://w3id.org/ccg-graph/def#basis> ?b }}"
    ) == [{"b": "https://w3id.org/ccg-graph/def#SourceRecord"}]


def test_source_graphs_cite_their_file_with_checksum(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>"
        " SELECT ?checksum ?licence WHERE {"
        " <https://w3id.org/ccg-graph/id/graph/ods-ccg/succ_2026> prov:wasDerivedFrom ?src ."
        " ?src dcterms:identifier ?checksum ; dcterms:license ?licence }",
    )
    assert rows == [
        {
            "checksum": "sha256:27da9f3565df04a44785d4df2c4f36cf009393472d383b42a442080cbed7ed8a",
            "licence": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        }
    ]


def test_the_dump_is_sorted_n_quads_matching_the_store(national_build: BuildSummary) -> None:
    assert national_build.dump_path is not None
    with gzip.open(national_build.dump_path, "rt", encoding="utf-8") as dump:
        lines = dump.readlines()
    assert lines == sorted(lines)
    assert len(lines) == national_build.quads


def test_rebuilding_gives_the_same_quads(national_settings: Settings, national_build: BuildSummary) -> None:
    again = sorted_nquads(assemble(national_settings, lambda _: None))
    with gzip.open(national_build.dump_path, "rt", encoding="utf-8") as dump:  # type: ignore[arg-type]
        assert again == dump.readlines()


def test_required_posts_are_stated_only_as_statutory_requirements(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT ?basis (COUNT(DISTINCT ?post) AS ?n) WHERE { GRAPH ?g { ?post a org:Post } "
        "OPTIONAL { ?g ccg:basis ?basis } FILTER NOT EXISTS { ?post org:heldBy ?holder } "
        "FILTER (STRSTARTS(STR(?post), 'https://w3id.org/ccg-graph/id/ccg/')) } GROUP BY ?basis",
    )
    assert rows == [{"basis": str(CCG.StatutoryRequirement), "n": str(248 * 8)}]
    gp = sparql_values(
        national_store,
        PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { ?post a ccg:RequiredPost ; org:role ccg:GPRepresentativeRole }",
    )
    assert gp == [{"n": "248"}]


def test_the_national_scheme_is_stated_once_not_copied_onto_each_ccg(national_store: EmbeddedStore) -> None:
    copies = sparql_values(
        national_store, PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { ?r a ccg:CommissioningResponsibility }"
    )
    assert copies == [{"n": "0"}]
    duties = sparql_values(
        national_store,
        PREFIX
        + "SELECT ?duty ?basis WHERE { GRAPH ?g { ?duty a ccg:StatutoryCommissioningDuty } ?g ccg:basis ?basis }",
    )
    assert len(duties) == 8 and {d["basis"] for d in duties} == {str(CCG.StatutoryRequirement)}
    replaced = sparql_values(
        national_store,
        "SELECT ?new WHERE { <https://w3id.org/ccg-graph/id/commissioning/00C/rehabilitation>"
        " <http://purl.org/dc/terms/isReplacedBy> ?new }",
    )
    assert replaced == [{"new": "https://w3id.org/ccg-graph/id/duty/ccg/rehabilitation"}]
