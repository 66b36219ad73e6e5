"""Ontology hygiene on the national graph: national bodies as individuals, change events timed as PROV
activities, membership IRIs that do not end in a rule-clipped date."""

from __future__ import annotations

from ccg_graph.store import EmbeddedStore

from ..conftest import sparql_values
from .test_saved_queries import run

ID = "https://w3id.org/ccg-graph/id/"
DEF = "https://w3id.org/ccg-graph/def#"
PREFIXES = """
PREFIX ccg: <https://w3id.org/ccg-graph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def test_national_bodies_are_individuals_and_their_old_classes_deprecated(national_store: EmbeddedStore) -> None:
    bodies = {"NHSEngland": "nhs-england", "Parliament": "parliament", "PublicHealthEngland": "public-health-england"}
    for cls, slug in bodies.items():
        rows = sparql_values(
            national_store,
            PREFIXES
            + f"""SELECT ?deprecated ?replacement WHERE {{
                ccg:{cls} owl:deprecated ?deprecated ; dcterms:isReplacedBy ?replacement }}""",
        )
        assert rows == [{"deprecated": "true", "replacement": f"{ID}organisation/{slug}"}], cls
        formal = sparql_values(
            national_store, PREFIXES + f"SELECT ?x WHERE {{ ?x a org:FormalOrganization , ccg:{cls} }}"
        )
        # Old queries by class still parse and answer, with the one individual.
        assert formal == [{"x": f"{ID}organisation/{slug}"}], cls


def test_who_commissions_what_names_nhs_england_by_its_iri(national_store: EmbeddedStore) -> None:
    scheme = run(national_store, "who-commissions-what")
    reserved = [row for row in scheme if row["reserved_to"]]
    assert reserved and all(
        row["commissioner_type"] == row["reserved_to"] == ID + "organisation/nhs-england" for row in reserved
    )
    kinds = {row["commissioner_type"] for row in scheme}
    assert kinds == {DEF + "ClinicalCommissioningGroup", DEF + "LocalAuthority", ID + "organisation/nhs-england"}


def test_change_events_are_timed_as_activities(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIXES
        + """SELECT ?event ?at ?started ?ended WHERE {
            ?event ccg:effectiveDate ?day ; prov:atTime ?at .
            OPTIONAL { ?event prov:startedAtTime ?started } OPTIONAL { ?event prov:endedAtTime ?ended } }""",
    )
    assert len(rows) > 100
    assert all(row["started"] == row["ended"] == row["at"] for row in rows)


def test_practice_memberships_end_in_the_source_start_and_clipped_iris_are_replaced(
    national_store: EmbeddedStore,
) -> None:
    rows = sparql_values(
        national_store,
        PREFIXES
        + """SELECT ?old ?new ?begins WHERE {
            GRAPH <https://w3id.org/ccg-graph/id/graph/derived/replaced-iris> { ?old dcterms:isReplacedBy ?new }
            ?new a org:Membership ; org:role ccg:MemberPracticeRole ;
                org:memberDuring/time:hasBeginning/time:inXSDDate ?begins .
        }""",
    )
    assert rows, "no practice membership had a clipped start"
    for row in rows:
        # The old IRI ended in the clipped start (the interval's beginning); the new one in an earlier day.
        assert row["old"].endswith("/" + row["begins"]), row
        assert row["new"].rsplit("/", 1)[-1] < row["begins"], row
        described = sparql_values(national_store, f"SELECT ?p WHERE {{ <{row['old']}> ?p ?o }}")
        assert [r["p"] for r in described] == ["http://purl.org/dc/terms/isReplacedBy"], row
