"""SPARQL 1.1 JSON results -> a pandas DataFrame whose columns have the types the literals declare.

The endpoint (ours, an Oxigraph server, any SPARQL 1.1 service) says each literal's datatype in its JSON
answer; a column takes the type all its values share: dates become ``datetime64``, integers the nullable
``Int64``, decimals and doubles ``Float64``, booleans ``boolean``, and IRIs, blank nodes and (language)
strings the nullable ``string`` dtype. A column whose values disagree (an IRI in one row, a number in
the next) keeps the lexical forms as strings rather than guessing. Unbound values are missing (``<NA>``
or ``NaT``), never empty strings, so ``dropna`` and ``isna`` mean what a researcher expects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from ccg_graph.core.namespaces import RDF_LANG_STRING
from ccg_graph.core.namespaces import XSD_NS as XSD

_INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
_STRING_TYPES = {XSD + "string", RDF_LANG_STRING, None}

#: The kinds of column a result can have.
INTEGER, FLOAT, BOOLEAN, DATE, DATETIME, STRING = "integer", "float", "boolean", "date", "datetime", "string"


def _kind(term: Mapping[str, str] | None) -> str | None:
    """The column kind one SPARQL JSON term asks for (None for an unbound value)."""
    if term is None:
        return None
    if term.get("type") != "literal" and term.get("type") != "typed-literal":
        return STRING  # IRIs and blank nodes are kept as their text
    datatype = term.get("datatype")
    if "xml:lang" in term or datatype in _STRING_TYPES:
        return STRING
    if datatype in _INTEGER_TYPES:
        return INTEGER
    if datatype in _FLOAT_TYPES:
        return FLOAT
    if datatype == XSD + "boolean":
        return BOOLEAN
    if datatype == XSD + "date":
        return DATE
    if datatype == XSD + "dateTime":
        return DATETIME
    return STRING


def _text(term: Mapping[str, str] | None) -> str | None:
    if term is None:
        return None
    if term.get("type") == "bnode":
        return "_:" + term["value"]
    return term["value"]


def _column_kind(kinds: Iterable[str | None]) -> str:
    present = {k for k in kinds if k is not None}
    if not present:
        return STRING
    if len(present) == 1:
        return present.pop()
    if present <= {INTEGER, FLOAT}:
        return FLOAT
    if present <= {DATE, DATETIME}:
        return DATETIME
    return STRING


def _dates(values: Sequence[str | None], kind: str) -> pd.Series:
    # A date with a timezone ("2013-04-01Z") is rare in this graph; the day is what matters, so the zone is
    # dropped for xsd:date and converted to UTC for xsd:dateTime.
    if kind == DATE:
        values = [None if v is None else v[:10] for v in values]
        return pd.Series(pd.to_datetime(values, format="%Y-%m-%d"), dtype="datetime64[ns]")
    zoned = any(v and (v.endswith("Z") or "+" in v) for v in values)
    parsed = pd.to_datetime(values, format="ISO8601", utc=zoned)
    return pd.Series(parsed).astype("datetime64[ns, UTC]" if zoned else "datetime64[ns]")


def _column(values: Sequence[str | None], kind: str) -> pd.Series:
    try:
        if kind == INTEGER:
            return pd.Series([None if v is None else int(v) for v in values], dtype="Int64")
        if kind == FLOAT:
            return pd.Series([None if v is None else float(v) for v in values], dtype="Float64")
        if kind == BOOLEAN:
            return pd.Series([None if v is None else v.strip() in ("true", "1") for v in values], dtype="boolean")
        if kind in (DATE, DATETIME):
            return _dates(values, kind)
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        pass  # an ill-typed or out-of-range literal: keep every value's lexical form instead
    return pd.Series(list(values), dtype="string")


def frame_from_bindings(variables: Sequence[str], bindings: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A typed DataFrame from the ``head.vars`` and ``results.bindings`` of a SPARQL JSON answer."""
    columns = {}
    for name in variables:
        terms = [row.get(name) for row in bindings]
        kind = _column_kind(_kind(t) for t in terms)
        columns[name] = _column([_text(t) for t in terms], kind)
    return pd.DataFrame(columns, columns=list(variables))


def frame_from_json(answer: Mapping[str, Any] | bytes | str) -> pd.DataFrame:
    """A typed DataFrame from a SPARQL 1.1 JSON results document (parsed or raw)."""
    if isinstance(answer, bytes | str):
        answer = json.loads(answer)
    if "boolean" in answer:
        raise ValueError("an ASK answer has no table: use Client.ask")
    return frame_from_bindings(answer["head"]["vars"], answer["results"]["bindings"])
