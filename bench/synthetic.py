"""A deterministic, scaled-up copy of a ccg-graph dataset with the same shape, for cost-versus-size curves.

Scale ``n`` is the base dataset plus ``n - 1`` copies of everything that hangs off a CCG: the CCGs themselves,
their governing bodies and posts, GP practices and their membership spells, PCTs, ICBs, STPs, local
authorities, accountability records, lineage events, names, ONS code assignments, overlaps and population
observations. The national structure (NHS England and its regions, area teams and local offices, the national
bodies and posts, service categories, time instants and intervals, source releases and named graphs) is
shared, so a copy is "more of the country" answering to the same bodies, as a bigger NHS would be.

Each copy renames every organisation code it carries, in the IRIs and in the ``ccg:odsCode``, ``ccg:onsCode``
and ``ccg:code`` literals, to a fresh code of the same form (CCG codes stay letter-digit-letter-digit-letter
or two digits and a letter, practice codes a letter and five digits), so the copies conform to the shapes
exactly as the base does and no two organisations share a code. Quads keep their named graph, so the number
of named graphs is unchanged and each holds ``n`` times as much.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ccg_graph.core.namespaces import DEF_BASE, ID_BASE

#: First IRI path segments (under ``id/``) of the national structure every copy shares.
SHARED_KINDS = frozenset(
    {
        "organisation",
        "post",
        "person",
        "service",
        "scheme",
        "population-measure",
        "instant",
        "interval",
        "graph",
        "source",
        "build",
        "region",
        "area-team",
        "local-office",
    }
)
#: Kinds whose IRI is ``id/{kind}/{code}``: their last segment is an organisation code.
ORGANISATION_KINDS = frozenset(
    {
        "ccg",
        "practice",
        "pct",
        "sha",
        "icb",
        "sub-icb-location",
        "stp",
        "ics",
        "pcn",
        "csu",
        "local-authority",
        "health-and-wellbeing-board",
        "region",
        "area-team",
        "local-office",
    }
)
CODE_PREDICATES = frozenset({DEF_BASE + "odsCode", DEF_BASE + "onsCode", DEF_BASE + "code"})
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
COUNTED_CLASSES = {
    "ccgs": DEF_BASE + "ClinicalCommissioningGroup",
    "practices": DEF_BASE + "GPPractice",
    "memberships": "http://www.w3.org/ns/org#Membership",
}

_CCG_CODE = re.compile(r"^([0-9]{2}[A-Z]|[A-Z][0-9][A-Z][0-9][A-Z])$")
_PRACTICE_CODE = re.compile(r"^[A-Z][0-9]{5}$")


@dataclass
class ScaledDataset:
    """What the generator wrote."""

    path: Path
    scale: int
    quads: int
    counts: dict[str, int] = field(default_factory=dict)


def _kind(iri: str) -> str | None:
    """The first path segment of an instance IRI, or None for any other IRI."""
    if not iri.startswith(ID_BASE):
        return None
    return iri[len(ID_BASE) :].split("/", 1)[0]


def _renamable(term: object) -> bool:
    if not isinstance(term, ox.NamedNode):
        return False
    kind = _kind(term.value)
    return kind is not None and kind not in SHARED_KINDS


class CodeAllocator:
    """Fresh codes of the same form as the originals, never one that exists already, in a fixed order."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken)
        self._ccg = 0
        self._practice = 0

    def _claim(self, code: str) -> str | None:
        if code in self.taken:
            return None
        self.taken.add(code)
        return code

    def fresh(self, original: str, copy: int) -> str:
        if _CCG_CODE.match(original):
            while True:
                n = self._ccg
                self._ccg += 1
                letters = string.ascii_uppercase
                code = (
                    letters[(n // 67600) % 26]
                    + str((n // 6760) % 10)
                    + letters[(n // 260) % 26]
                    + str((n // 26) % 10)
                    + letters[n % 26]
                )
                if self._claim(code):
                    return code
        if _PRACTICE_CODE.match(original):
            while True:
                n = self._practice
                self._practice += 1
                code = string.ascii_uppercase[25 - (n // 100_000) % 26] + f"{n % 100_000:05d}"
                if self._claim(code):
                    return code
        code = f"{original}S{copy}"
        while not self._claim(code):
            code += "X"
        return code


def _codes(quads: list[ox.Quad]) -> tuple[set[str], set[str]]:
    """(codes to rename, every code in the base): organisation codes in IRIs and code literals."""
    renamed: set[str] = set()
    shared: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode):
                kind = _kind(term.value)
                if kind in ORGANISATION_KINDS:
                    parts = term.value[len(ID_BASE) :].split("/")
                    if len(parts) == 2:
                        (shared if kind in SHARED_KINDS else renamed).add(parts[1])
        if quad.predicate.value in CODE_PREDICATES and isinstance(quad.object, ox.Literal):
            (renamed if _renamable(quad.subject) else shared).add(quad.object.value)
    return renamed - shared, renamed | shared


def _nt(term: object) -> str:
    return str(term)


def _graph(term: object) -> str:
    return "" if isinstance(term, ox.DefaultGraph) else f" {term}"


def scale_dataset(base: Path, target: Path, scale: int) -> ScaledDataset:
    """Write `base` (N-Quads) scaled `scale` times to `target` (N-Quads), deterministically."""
    if scale < 1:
        raise ValueError(f"the scale must be a whole number of at least 1, not {scale}")
    quads = list(ox.parse(path=str(base), format=ox.RdfFormat.N_QUADS))
    to_rename, taken = _codes(quads)
    ordered_codes = sorted(to_rename)
    allocator = CodeAllocator(taken)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    typed: Counter[str] = Counter()
    typed_renamable: Counter[str] = Counter()
    for quad in quads:
        if quad.predicate.value == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            typed[quad.object.value] += 1
            if _renamable(quad.subject):
                typed_renamable[quad.object.value] += 1
    # The quads every copy repeats, with which of their terms are renamed.
    templates = []
    for quad in quads:
        s_ren = _renamable(quad.subject)
        o_ren = _renamable(quad.object)
        lit_ren = s_ren and quad.predicate.value in CODE_PREDICATES and isinstance(quad.object, ox.Literal)
        if s_ren or o_ren:
            templates.append((quad, s_ren, o_ren, lit_ren))
    with target.open("w", encoding="utf-8") as out:
        for quad in quads:
            out.write(f"{_nt(quad.subject)} {_nt(quad.predicate)} {_nt(quad.object)}{_graph(quad.graph_name)} .\n")
            written += 1
        for copy in range(1, scale):
            code_map = {code: allocator.fresh(code, copy) for code in ordered_codes}
            rename = _Renamer(code_map, copy)
            for quad, s_ren, o_ren, lit_ren in templates:
                subject = f"<{rename(quad.subject.value)}>" if s_ren else _nt(quad.subject)
                if o_ren:
                    obj = f"<{rename(quad.object.value)}>"
                elif lit_ren and quad.object.value in code_map:
                    obj = str(ox.Literal(code_map[quad.object.value], datatype=quad.object.datatype))
                else:
                    obj = _nt(quad.object)
                out.write(f"{subject} {_nt(quad.predicate)} {obj}{_graph(quad.graph_name)} .\n")
                written += 1
    counts = {name: typed[cls] + (scale - 1) * typed_renamable[cls] for name, cls in COUNTED_CLASSES.items()}
    return ScaledDataset(path=target, scale=scale, quads=written, counts=counts)


class _Renamer:
    """Renames instance IRIs for one copy: every code segment mapped, or a copy suffix where none is."""

    def __init__(self, code_map: dict[str, str], copy: int) -> None:
        self.code_map = code_map
        self.copy = copy
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is not None:
            return found
        parts = iri[len(ID_BASE) :].split("/")
        mapped = [self.code_map.get(part, part) for part in parts]
        if mapped == parts:
            mapped[-1] = f"{mapped[-1]}-s{self.copy}"
        renamed = ID_BASE + "/".join(mapped)
        self.cache[iri] = renamed
        return renamed
