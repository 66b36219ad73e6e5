"""SPARQL JSON -> typed DataFrame columns, on answers written out by hand (no endpoint needed)."""

from __future__ import annotations

import pandas as pd

from ccg_graph.client.frames import frame_from_json

XSD = "http://www.w3.org/2001/XMLSchema#"


def lit(value: str, datatype: str | None = None, lang: str | None = None) -> dict[str, str]:
    term = {"type": "literal", "value": value}
    if datatype:
        term["datatype"] = XSD + datatype
    if lang:
        term["xml:lang"] = lang
    return term


def answer(rows: list[dict], variables: list[str]) -> dict:
    return {"head": {"vars": variables}, "results": {"bindings": rows}}


def test_each_datatype_gets_its_column_type() -> None:
    rows = [
        {
            "iri": {"type": "uri", "value": "https://w3id.org/ccg-graph/id/ccg/00C"},
            "node": {"type": "bnode", "value": "b0"},
            "day": lit("2013-04-01", "date"),
            "moment": lit("2013-04-01T09:30:00", "dateTime"),
            "n": lit("211", "integer"),
            "share": lit("0.5", "decimal"),
            "ratio": lit("1.5E0", "double"),
            "flag": lit("true", "boolean"),
            "name": lit("Darlington", lang="en"),
            "code": lit("00C"),
        },
        {"n": lit("7", "nonNegativeInteger"), "flag": lit("0", "boolean"), "share": lit("1", "decimal")},
    ]
    frame = frame_from_json(answer(rows, list(rows[0])))
    assert frame.dtypes.astype(str).to_dict() == {
        "iri": "string",
        "node": "string",
        "day": "datetime64[ns]",
        "moment": "datetime64[ns]",
        "n": "Int64",
        "share": "Float64",
        "ratio": "Float64",
        "flag": "boolean",
        "name": "string",
        "code": "string",
    }
    assert frame.loc[0, "node"] == "_:b0" and frame.loc[0, "day"] == pd.Timestamp("2013-04-01")
    assert frame["n"].tolist() == [211, 7] and frame["flag"].tolist() == [True, False]
    assert frame.loc[1, "iri"] is pd.NA and pd.isna(frame.loc[1, "day"])


def test_mixed_columns_fall_back_without_losing_values() -> None:
    rows = [
        {"x": lit("1", "integer"), "y": lit("2013-04-01", "date"), "z": lit("1", "integer")},
        {"x": lit("2.5", "decimal"), "y": {"type": "uri", "value": "http://example.org/a"}},
    ]
    rows[1]["z"] = lit("oops", "integer")
    frame = frame_from_json(answer(rows, ["x", "y", "z"]))
    assert str(frame["x"].dtype) == "Float64" and frame["x"].tolist() == [1.0, 2.5]
    assert str(frame["y"].dtype) == "string" and frame["y"].tolist() == ["2013-04-01", "http://example.org/a"]
    assert str(frame["z"].dtype) == "string" and frame["z"].tolist() == ["1", "oops"]


def test_an_empty_answer_keeps_its_columns() -> None:
    frame = frame_from_json(answer([], ["a", "b"]))
    assert list(frame.columns) == ["a", "b"] and len(frame) == 0
