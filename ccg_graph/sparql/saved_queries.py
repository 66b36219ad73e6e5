"""The saved-query catalogue: ``queries/*.rq``, their headers, and typed, injection-safe parameters.

Each saved query opens with a comment block::

    # Title: CCGs open on a date
    # Purpose: Which CCGs were open on a given day ...
    # Parameters:
    #   as_of: xsd:date = 2013-04-01 -- the day to look at
    #   ccg: iri -- a CCG IRI, e.g. https://w3id.org/ccg-graph/id/ccg/00C
    # Returns: ccg (IRI), code (string), name (string)

Parameter values are parsed into typed RDF terms and bound as inline data (see `ccg_graph.sparql.binding`), so a
value cannot change what the query does. Saved queries project their parameters, so every answer says what
it was asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from ccg_graph.core.errors import BadInput, InvalidParameter, NotFound
from ccg_graph.core.namespaces import XSD_NS as XSD

PARAM_TYPES = ("xsd:date", "xsd:integer", "xsd:decimal", "xsd:string", "iri")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PARAM_LINE = re.compile(
    r"^\s*(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<type>[a-z:]+)"
    r"(?:\s*=\s*(?P<default>\S+))?\s*(?:--\s*(?P<doc>.*))?$"
)


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a saved query."""

    name: str
    type: str
    default: str | None = None
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def to_term(self, raw: str) -> ox.NamedNode | ox.Literal:
        """Turn a user's string into an RDF term of the declared type, or say why it cannot be one."""
        try:
            if self.type == "xsd:date":
                return ox.Literal(date.fromisoformat(raw).isoformat(), datatype=ox.NamedNode(XSD + "date"))
            if self.type == "xsd:integer":
                return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
            if self.type == "xsd:decimal":
                float(raw)
                return ox.Literal(raw, datatype=ox.NamedNode(XSD + "decimal"))
            if self.type == "iri":
                if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", raw, re.IGNORECASE):
                    raise ValueError("not an absolute IRI")
                return ox.NamedNode(raw)
            return ox.Literal(raw)
        except ValueError as err:
            raise InvalidParameter(f"parameter {self.name!r} must be {self.type}: {raw!r} is not ({err})") from err


@dataclass(frozen=True)
class SavedQuery:
    """A query file and what its header says about it."""

    name: str
    path: Path
    text: str
    title: str
    purpose: str
    returns: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    def bind(self, values: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Typed bindings for `values` plus defaults; unknown or missing parameters are errors."""
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            accepted = ", ".join(declared) or "none"
            raise InvalidParameter(f"unknown parameter(s) {', '.join(unknown)} for {self.name} (accepted: {accepted})")
        bindings = {}
        for parameter in self.parameters:
            raw = values.get(parameter.name, parameter.default)
            if raw is None:
                raise InvalidParameter(f"parameter {parameter.name!r} ({parameter.type}) is required by {self.name}")
            bindings[parameter.name] = parameter.to_term(raw)
        return bindings


def parse_header(name: str, path: Path, text: str) -> SavedQuery:
    """Read the leading comment block of a saved query."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:].rstrip()
        heading = re.match(r"^\s*(Title|Purpose|Parameters|Returns)\s*:\s*(.*)$", body)
        if heading:
            current = heading.group(1).lower()
            sections[current] = [heading.group(2)] if heading.group(2) else []
        elif current is not None:
            sections[current].append(body.strip())
    missing = [s for s in ("title", "purpose", "returns") if not sections.get(s)]
    if missing:
        raise BadInput(f"saved query header lacks {', '.join(missing)}", path=path, line=1)
    parameters = []
    for raw in sections.get("parameters", []):
        if not raw or raw.lower() == "none":
            continue
        match = _PARAM_LINE.match(raw)
        if not match or match.group("type") not in PARAM_TYPES:
            raise BadInput(
                f"cannot read parameter line {raw!r} (expected 'name: type [= default] -- doc', "
                f"type one of {', '.join(PARAM_TYPES)})",
                path=path,
            )
        parameters.append(
            Parameter(match.group("name"), match.group("type"), match.group("default"), match.group("doc") or "")
        )
    return SavedQuery(
        name=name,
        path=path,
        text=text,
        title=" ".join(sections["title"]).strip(),
        purpose=" ".join(sections["purpose"]).strip(),
        returns=" ".join(sections["returns"]).strip(),
        parameters=tuple(parameters),
    )


class QueryCatalogue:
    """The saved queries in one folder, by name (the file name without ``.rq``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._queries: dict[str, SavedQuery] = {}
        for path in sorted(folder.glob("*.rq")):
            name = path.stem
            self._queries[name] = parse_header(name, path, path.read_text(encoding="utf-8"))

    def names(self) -> list[str]:
        return list(self._queries)

    def __iter__(self) -> Iterator[SavedQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def get(self, name: str) -> SavedQuery:
        # The name is checked before it is looked up, so it can never name a path outside the folder.
        if not _NAME.match(name) or name not in self._queries:
            raise NotFound(f"no saved query named {name!r}")
        return self._queries[name]


def load_query_file(path: Path) -> SavedQuery:
    """A query from any file; a header is optional here (ad-hoc queries), parameters only if declared."""
    if not path.is_file():
        raise BadInput("no such file", path=path)
    text = path.read_text(encoding="utf-8")
    try:
        return parse_header(path.stem, path, text)
    except BadInput:
        return SavedQuery(path.stem, path, text, title=path.stem, purpose="", returns="")
