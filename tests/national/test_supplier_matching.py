"""Supplier-name matching rules on small indexes: each rule, its order, and no guess between two candidates."""

from __future__ import annotations

from ccg_graph.national.supplier_matching import SupplierMatcher, csu_key, normalise, trust_core


def matcher() -> SupplierMatcher:
    return SupplierMatcher(
        trust_names={
            "RJ1": {"GUY'S AND ST THOMAS' NHS FOUNDATION TRUST"},
            "RHM": {"UNIVERSITY HOSPITAL SOUTHAMPTON NHS FOUNDATION TRUST"},
            "RX1": {"NORTH NHS TRUST"},
            "RX2": {"NORTH HOSPITALS NHS TRUST"},
        },
        ccg_names={"09C": {"NHS Ashford CCG"}},
        practices_by_ccg={"09C": {"NEW SURGERY": {"G82001"}}, "09E": {"NEW SURGERY": {"G82002"}}},
        authority_names={"E10000016": "Kent"},
    )


def test_normalise_and_cores() -> None:
    assert normalise("Guy`s & St Thomas' NHS FT") == "GUYS AND ST THOMAS NHS FOUNDATION TRUST"
    assert trust_core("SOUTHAMPTON UNIVERSITY HOSPITALS NHS FOUNDATION TRUST") == trust_core(
        "UNIVERSITY HOSPITAL SOUTHAMPTON NHS FOUNDATION TRUST"
    )
    assert csu_key("NHS NEL CSU 23779935") == csu_key("NEL COMMISSIONING SUPPORT UNIT") == "NEL"
    assert csu_key("GARDEN LANE MEDICAL CENTRE") is None


def test_rules_in_order() -> None:
    m = matcher()
    guys = m.match("GUYS & ST THOMAS NHS FOUNDATION TRUST", "09C", "", "", False)
    assert (guys.kind, guys.key, guys.method) == (
        "trust",
        "RJ1",
        "ods-trust-name",
    )
    southampton = m.match("SOUTHAMPTON UNIVERSITY HOSPITALS NHS FOUNDATION TRUST", "09C", "", "", False)
    assert (southampton.key, southampton.method, southampton.confidence) == ("RHM", "ods-trust-core-name", "probable")
    assert m.match("NHS SOUTH CENTRAL AND WEST CSU", "09C", "123", "", False).kind == "csu"
    assert m.match("NHS ASHFORD CCG", "09E", "", "", False).key == "09C"
    assert m.match("NEW SURGERY", "09E", "", "", False).key == "G82002"  # the payer's practice
    assert m.match("KENT COUNTY COUNCIL (EXCH SEC MAIDSTONE)", "09C", "", "", True).key == "E10000016"
    assert m.match("KENT COUNTY COUNCIL", "09C", "", "", False).kind == "name"  # not flagged as an authority
    assert m.match("ONE ASHFORD HEALTHCARE LIMITED", "09C", "7890947", "", False).kind == "company"
    assert m.match("MARIE CURIE", "09C", "", "207994", False).kind == "charity"


def test_two_candidates_give_no_match() -> None:
    # "NORTH NHS TRUST" and "NORTH HOSPITALS NHS TRUST" have the same core: the core rule names neither.
    match = matcher().match("THE NORTH HOSPITAL NHS TRUST", "09C", "", "", False)
    assert (match.kind, match.method, match.confidence) == ("name", "name", "")
