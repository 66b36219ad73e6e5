"""Writing a result DataFrame as CSV, JSON or Parquet, the same way for a local store and a remote endpoint.

Dates are written as ``YYYY-MM-DD`` (a column of midnights is a column of days), missing values as empty
CSV cells or JSON ``null``, numbers as numbers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from ccg_graph.core.errors import BadInput

FORMATS = ("table", "csv", "json", "parquet")


def _is_days(column: pd.Series) -> bool:
    values = column.dropna()
    return pd.api.types.is_datetime64_any_dtype(column) and bool((values == values.dt.normalize()).all())


def printable(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with dates as ISO days and every value a str (``""`` when missing), for CSV and tables."""
    out = {}
    for name, column in frame.items():
        if _is_days(column):
            text = column.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_datetime64_any_dtype(column):
            text = column.map(lambda v: v.isoformat() if not pd.isna(v) else None)
        else:
            text = column.astype("string")
        out[name] = text.astype("string").fillna("")
    return pd.DataFrame(out, columns=frame.columns)


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def to_csv(frame: pd.DataFrame) -> str:
    return printable(frame).to_csv(index=False, lineterminator="\n")


def to_json(frame: pd.DataFrame) -> str:
    """A JSON array of one object per row, typed: numbers as numbers, dates as ISO strings, null when unbound."""
    columns = list(frame.columns)
    rows = [
        {name: _json_value(value) for name, value in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def non_table_text(answer: object, output_format: str) -> str:
    """An answer that is not a table, as text: an ASK's boolean (plain or JSON), or RDF (Turtle) as it is."""
    if isinstance(answer, bool):
        if output_format == "parquet":
            raise BadInput("an ASK query's answer is a boolean: choose table, csv or json")
        return json.dumps({"boolean": answer}) + "\n" if output_format == "json" else f"{answer}\n"
    if output_format == "parquet":
        raise BadInput("a CONSTRUCT or DESCRIBE answer is RDF: it is written as Turtle, not Parquet")
    return answer if isinstance(answer, str) else str(answer)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet keeps the column types (dates, nullable integers) for pandas, R (arrow) and DuckDB."""
    try:
        import pyarrow  # noqa: F401 - checked here so the message can say how to get it
    except ImportError as err:
        raise BadInput("Parquet output needs pyarrow: pip install 'ccg-graph[research]'") from err
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
