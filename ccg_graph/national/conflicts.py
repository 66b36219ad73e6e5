"""Where the sources disagree: each conflict kept with what every side said (file, line, value) and how
the build resolved it, so that nobody mistakes a resolved value for one a source stated.

The topic modules resolve conflicts by the rules in docs/data-derivation.md; here they are recorded. Each
conflict is a `ccg:SourceConflict` in the graph ``id:graph/derived/conflicts`` (``ccg:DerivedByRule``: the
comparison is the rule), with one ``ccg:conflictSide`` per statement (``ccg:sourceFile``, ``ccg:sourceLine``,
``ccg:statedValue``) and ``ccg:resolution`` in words. ``ccg-graph quality`` and ``GET /quality`` list them.

Kinds recorded:

* ``overlapping-membership``: two sources (or rows) put one practice in two CCGs on the same day;
* ``membership-outside-ccg-life``: a source dates a practice's membership before the CCG opened or after it
  closed;
* ``name-disagreement`` / ``code-disagreement``: two releases describing the same configuration of CCGs give
  one CCG different names (after normalising case, "&" and spacing) or different ONS codes;
* ``parent-disagreement``: two releases describing the same configuration put one CCG in different STPs or
  NHS England regions, or one CCG's practices in one release carry different regions or local offices.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, ID, ccg_iri
from ccg_graph.ingest.ods import read_epraccur
from ccg_graph.ingest.ons import read_ccg_lookup, read_ccg_names
from ccg_graph.ingest.registrations import read_practice_map

if TYPE_CHECKING:
    from ccg_graph.national.context import BuildContext


#: Pairs of releases that describe the same configuration of CCGs (no CCG opened, closed or moved between
#: their reference dates): (ONS name list, ONS parent lookup, NHS Digital practice map).
SAME_CONFIGURATION = (
    (
        "ons-geography/ccg20_names_codes_2020-04.csv",
        "ons-geography/ccg20_to_stp20_2020-04.csv",
        "nhs-digital-gp-registrations/gp-reg-pat-prac-map_2020-09.csv",
    ),
    (
        "ons-geography/ccg21_names_codes_2021-04.csv",
        "ons-geography/ccg21_to_stp21_to_nhser21_with_population.csv",
        "nhs-digital-gp-registrations/gp-reg-pat-prac-map_2022-01.csv",
    ),
)

#: Every kind of conflict the build checks for (a kind with none found is reported with a count of 0).
KINDS = (
    "overlapping-membership",
    "membership-outside-ccg-life",
    "name-disagreement",
    "code-disagreement",
    "parent-disagreement",
)
#: The ODS practice release whose columns 3-4 give the CCGs' 2019-20 region and local office.
PRACTICE_PARENTS = "ods-gp-practices/epraccur_2019-10.csv"


@dataclass(frozen=True)
class Side:
    """One source's statement in a conflict."""

    file: str
    line: int
    value: str


@dataclass
class Conflict:
    kind: str
    subject: URIRef
    sides: list[Side]
    resolution: str

    def iri(self) -> URIRef:
        """Stable: from the kind, the subject and the sides, never from the order the build met them."""
        key = "|".join([self.kind, str(self.subject), *sorted(f"{s.file}:{s.line}:{s.value}" for s in self.sides)])
        return ID[f"conflict/{self.kind}/{hashlib.sha256(key.encode()).hexdigest()[:16]}"]


@dataclass
class ConflictLog:
    """The conflicts a build met, in the order the modules reported them."""

    conflicts: list[Conflict] = field(default_factory=list)

    def add(self, kind: str, subject: URIRef, sides: Iterable[Side], resolution: str) -> None:
        unique = sorted(set(sides), key=lambda s: (s.file, s.line, s.value))
        self.conflicts.append(Conflict(kind, subject, unique, resolution))


_SPACES = re.compile(r"\s+")


def normalised_name(name: str) -> str:
    """A CCG name compared across releases: case, "&" and runs of blanks do not count as disagreement."""
    return _SPACES.sub(" ", name.replace("&", " and ")).strip().casefold()


def compare_releases(ctx: BuildContext) -> None:
    """Record names, ONS codes and parents that disagree between releases describing one configuration."""
    for names_file, lookup_file, map_file in SAME_CONFIGURATION:
        listed: dict[str, tuple[int, str, str]] = {}
        for row in read_ccg_names(ctx.open(names_file)):
            code = row.ods_code or ctx.ccg_by_ons.get(row.ons_code)
            if code:
                listed[code] = (row.line, row.ons_code, row.name.strip())
        parents: dict[str, tuple[int, dict[str, tuple[str | None, str]]]] = {}
        for link in read_ccg_lookup(ctx.open(lookup_file)):
            code = link.ccg.ods_code or ctx.ccg_by_ons.get(link.ccg.ons_code)
            if code:
                parents[code] = (link.line, {e: (p.ods_code, p.ons_code) for e, p in link.parents.items()})
        mapped: dict[str, tuple[int, str, str, dict[str, tuple[str, str]]]] = {}
        for entry in read_practice_map(ctx.open(map_file)):
            in_map = {"STP": (entry.stp, entry.stp_ons), "NHSER": (entry.region, entry.region_ons)}
            mapped.setdefault(entry.ccg, (entry.line, entry.ccg_ons, entry.ccg_name.strip(), in_map))
        for code, (map_line, map_ons, map_name, map_parents) in sorted(mapped.items()):
            subject = ccg_iri(code) if code in ctx.ccgs else None
            if subject is None:
                continue
            if code in listed:
                line, ons_code, name = listed[code]
                if normalised_name(name) != normalised_name(map_name):
                    ctx.conflicts.add(
                        "name-disagreement",
                        subject,
                        [Side(names_file, line, name), Side(map_file, map_line, map_name)],
                        "The preferred name is the newest ONS list's (rule 4); the practice map's spelling is not "
                        "used as a name.",
                    )
                if ons_code != map_ons:
                    ctx.conflicts.add(
                        "code-disagreement",
                        subject,
                        [Side(names_file, line, ons_code), Side(map_file, map_line, map_ons)],
                        "ONS codes are dated from the ONS lists (rule 5); the practice map's code is not used.",
                    )
            if code in parents:
                line, stated = parents[code]
                for entity, label in (("STP", "STP"), ("NHSER", "NHS England region")):
                    if entity not in stated or entity not in map_parents:
                        continue
                    # Compare ODS codes where the lookup gives one, else ONS codes: like with like.
                    lookup_ods, lookup_ons = stated[entity]
                    map_ods, map_ons_parent = map_parents[entity]
                    ons_side, map_side = (lookup_ods, map_ods) if lookup_ods else (lookup_ons, map_ons_parent)
                    if ons_side and map_side and ons_side != map_side:
                        ctx.conflicts.add(
                            "parent-disagreement",
                            subject,
                            [
                                Side(lookup_file, line, f"{label} {ons_side}"),
                                Side(map_file, map_line, f"{label} {map_side}"),
                            ],
                            "Each release is an observation holding from its own date (hierarchy rules): both are "
                            "kept, each for its period.",
                        )


def compare_practice_parents(ctx: BuildContext) -> None:
    """Record CCGs whose active practices disagree, in one ODS release, on the CCG's region and local office
    (columns 3-4 of epraccur 2019-10, the source of the 2019-20 oversight: hierarchy rule 8)."""
    first_line: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    votes: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for record in read_epraccur(ctx.open(PRACTICE_PARENTS)):
        if record.is_active_gp_practice and record.is_english and record.commissioner in ctx.ccgs:
            stated = (record.region or "", record.high_level_geography or "")
            votes[record.commissioner][stated] += 1
            first_line[record.commissioner].setdefault(stated, record.line)
    for code, counter in sorted(votes.items()):
        if len(counter) < 2:
            continue
        (region, office), count = counter.most_common(1)[0]
        sides = [
            Side(PRACTICE_PARENTS, first_line[code][stated], f"region {r}, local office {o or '-'} ({n} practices)")
            for stated, n in counter.items()
            for r, o in [stated]
        ]
        ctx.conflicts.add(
            "parent-disagreement",
            ccg_iri(code),
            sides,
            f"The CCG's parents in 2019-20 are those most of its practices carry (hierarchy rule 8): region "
            f"{region}, local office {office or '-'} ({count} of {sum(counter.values())} practices).",
        )


def build_conflicts(ctx: BuildContext) -> None:
    """Compare the releases, then write every conflict the build recorded (run after every topic module)."""
    ctx.progress("conflicts between sources")
    compare_releases(ctx)
    compare_practice_parents(ctx)
    write_conflicts(ctx)


def write_conflicts(ctx: BuildContext) -> None:
    """Write every conflict the build recorded into ``id:graph/derived/conflicts``."""
    out = ctx.derived(
        "conflicts",
        "Where the sources disagree, and how the build resolved each disagreement",
        sorted({side.file for conflict in ctx.conflicts.conflicts for side in conflict.sides}),
        "Every conflict the build met while reconciling its sources: overlapping membership spells, memberships "
        "dated outside a CCG's life, and names, ONS codes and parents that disagree between releases describing "
        "the same configuration. Each names every side (file, line, value) and the rule that resolved it "
        "(docs/data-derivation.md).",
    )
    by_iri: dict[URIRef, Conflict] = {}
    for conflict in ctx.conflicts.conflicts:
        by_iri.setdefault(conflict.iri(), conflict)
    counts: dict[str, int] = defaultdict(int)
    for iri, conflict in sorted(by_iri.items()):
        counts[conflict.kind] += 1
        out.type(iri, CCG.SourceConflict)
        out.add(iri, CCG.conflictKind, conflict.kind)
        out.add(iri, CCG.conflictSubject, conflict.subject)
        out.add(iri, CCG.resolution, conflict.resolution)
        for number, side in enumerate(conflict.sides, start=1):
            node = URIRef(f"{iri}/side/{number}")
            out.add(iri, CCG.conflictSide, node)
            out.add(node, CCG.sourceFile, side.file)
            out.add(node, CCG.sourceLine, side.line)
            out.add(node, CCG.statedValue, side.value)
    ctx.progress("conflicts: " + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())))
