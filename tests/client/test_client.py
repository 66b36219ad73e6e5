"""The client against the running app and against `oxigraph serve` holding the same dump."""

from __future__ import annotations

import pandas as pd
import pytest
from rdflib import Literal, URIRef

from ccg_graph.client import Client
from ccg_graph.core.errors import BadQuery, NotFound

ID = "https://w3id.org/ccg-graph/id/"
CCG = "https://w3id.org/ccg-graph/def#"
PREFIX = f"PREFIX ccg: <{CCG}>\n"


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ccg-count-by-month", {}),
        ("merger-waves-by-region", {}),
        ("icb-predecessors", {}),
        ("organisation-crosswalk", {}),
        ("coterminous-ccgs", {"year": 2019}),
        ("ccg-district-overlaps", {"organisation": ID + "ccg/09D", "year": 2019}),
        ("ccg-populations", {"ccg": ID + "ccg/00C"}),
        ("ccgs-open-on", {"as_of": "2018-04-01"}),
    ],
)
def test_both_endpoints_give_the_same_frame(ours: Client, oxigraph: Client, name: str, params: dict) -> None:
    mine, theirs = ours.saved(name, **params), oxigraph.saved(name, **params)
    assert isinstance(mine, pd.DataFrame) and len(mine) > 0
    pd.testing.assert_frame_equal(mine, theirs)


def test_typed_columns(client: Client) -> None:
    months = client.saved("ccg-count-by-month")
    assert str(months["month"].dtype) == "datetime64[ns]" and str(months["ccgs"].dtype) == "Int64"
    assert months.set_index("month").loc[pd.Timestamp("2020-04-01"), "ccgs"] == 135
    overlaps = client.saved("ccg-district-overlaps", organisation=ID + "ccg/09D", year=2019)
    assert overlaps.dtypes.astype(str).to_dict() == {
        "organisation": "string",
        "year": "Int64",
        "district": "string",
        "district_name": "string",
        "lsoas": "Int64",
        "share_of_ccg": "Float64",
        "share_of_district": "Float64",
    }
    assert overlaps.loc[0, "district_name"] == "Brighton and Hove" and overlaps.loc[0, "share_of_ccg"] == 1.0
    flags = client.select("SELECT ?yes ?no WHERE { BIND (true AS ?yes) BIND (1 = 2 AS ?no) }")
    assert str(flags["yes"].dtype) == "boolean" and flags.loc[0, "yes"] and not flags.loc[0, "no"]


def test_crosswalk_periods_and_gaps(client: Client) -> None:
    crosswalk = client.crosswalk()
    ccgs = crosswalk[crosswalk["kind"] == "CCG"]
    assert ccgs["ods_code"].nunique() == 248 and ccgs["ons_from"].notna().all()
    assert str(crosswalk["opened"].dtype) == "datetime64[ns]"
    darlington = ccgs[ccgs["ods_code"] == "00C"].iloc[0]
    assert darlington["ons_code"] == "E38000042" and darlington["ons_to"] == pd.Timestamp("2020-03-31")
    icbs = crosswalk[crosswalk["kind"] == "ICB"]
    assert icbs["organisation"].nunique() == 42 and icbs["ons_code"].str.startswith("E54").all()
    assert icbs["ons_from"].isna().all()  # the graph does not say when an ICB's E54 code began
    regions = crosswalk[crosswalk["kind"] == "NHS England region"]
    assert regions["ons_code"].str.startswith("E40").all()


def test_params_are_bound_as_terms_not_text(client: Client) -> None:
    query = PREFIX + "SELECT ?ccg WHERE { ?ccg a ccg:ClinicalCommissioningGroup ; ccg:odsCode ?code }"
    found = client.select(query, code="00C")
    assert found["ccg"].tolist() == [ID + "ccg/00C"]
    hostile = '00C" } ?ccg ?p ?o . { "'
    assert client.select(query, code=hostile).empty
    named = client.select(PREFIX + "SELECT ?code WHERE { ?ccg ccg:odsCode ?code }", ccg=URIRef(ID + "ccg/00C"))
    assert named["code"].tolist() == ["00C"]
    # a str is a string literal, never an IRI: this finds nothing rather than the CCG
    assert client.select(PREFIX + "SELECT ?code WHERE { ?ccg ccg:odsCode ?code }", ccg=ID + "ccg/00C").empty


def test_ask_and_construct(client: Client) -> None:
    ask = PREFIX + "ASK WHERE { ?ccg ccg:odsCode ?code }"
    assert client.ask(ask, code="00C") is True
    assert client.ask(ask, code=Literal("ZZZ")) is False
    graph = client.construct(
        PREFIX + "CONSTRUCT { ?ccg ccg:odsCode ?code } "
        "WHERE { ?ccg a ccg:ClinicalCommissioningGroup ; ccg:odsCode ?code }"
    )
    assert len(graph) == 248
    assert (URIRef(ID + "ccg/00C"), URIRef(CCG + "odsCode"), Literal("00C")) in graph


def test_as_of_helpers(client: Client) -> None:
    day = client.as_of("2020-04-01")
    [counts] = day.counts().to_dict("records")
    assert counts["ccgs"] == 135 and counts["as_of"] == pd.Timestamp("2020-04-01")
    assert len(day.ccgs()) == 135
    assert client.as_of("2017-04-01").ons_code("E38000001")["ods_code"].tolist() == ["02N"]
    assert day.ons_code("E38000001").empty  # 02N merged on 1 April 2020 and its code went with it
    assert set(client.as_of("2014-01-01").regions()["code"]) == {"Y54", "Y55", "Y56", "Y57"}
    with pytest.raises(BadQuery, match="as_of"):
        client.as_of("yesterday")
    with pytest.raises(BadQuery, match="no as_of"):
        day.saved("mergers")


def test_saved_query_errors(ours: Client) -> None:
    with pytest.raises(NotFound, match="no saved query"):
        ours.saved("no-such-query")
    with pytest.raises(BadQuery, match="as_of"):
        ours.saved("ccgs-open-on", as_of="not a date")
    with pytest.raises(BadQuery, match="unknown parameter"):
        ours.saved("mergers", colour="blue")
    with pytest.raises(BadQuery, match="ASK query"):
        ours.select("ASK { ?s ?p ?o }")
