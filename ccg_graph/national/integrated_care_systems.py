"""The ten integrated care systems ONS listed in December 2019, as organisations of their own.

``ics19_names_codes_2019-12.csv`` gives each system's E59 code and name, and nothing else: no designation
date and no CCGs. The systems are stated in that file's graph (a source record) with those two facts and a
comment saying that the file dates none of them. They are not STPs, nor a status of one: three of the ten
(Blackpool and Fylde Coast, Buckinghamshire, West Berkshire) are smaller than any STP.

No reference file links a 2019 system to CCGs, so which CCGs each covered is derived by a rule on names
(graph ``derived/ics-2019-coverage``, ``ccg:DerivedByRule``): a system covers every CCG of the April 2019
configuration (``ccg19_to_stp19_2019-04.csv``, in force until the mergers of April 2020, so in December 2019)
whose own name, or whose STP's name, has the same place words as the system's name. Place words are the
words of the name in lower case, "&" read as "and", without the words that name no place (`GENERIC_WORDS`)
and with a final "shire" dropped (so "Nottingham and Nottinghamshire" and "Nottinghamshire" are one place).
A system no name matches is stated without CCGs and says so.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, ID, ccg_iri, ics_iri
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.ingest.ons import read_ccg_lookup, read_ons_list
from ccg_graph.national.context import BuildContext
from ccg_graph.national.provenance import release_date

ICS19 = "ons-geography/ics19_names_codes_2019-12.csv"
#: The CCGs and STPs in force in December 2019 (the configuration of April 2019, changed next in April 2020).
CCG19_TO_STP19 = "ons-geography/ccg19_to_stp19_2019-04.csv"

#: Words in the names of CCGs, STPs and systems that name no place.
GENERIC_WORDS = frozenset(
    {"nhs", "ccg", "and", "the", "of", "in", "health", "care", "social", "partnership", "partners"}
)

NO_DESIGNATION_DATE = (
    "One of the ten integrated care systems ONS listed in December 2019 (ICS19, E59 codes). The file gives "
    "only the code and the name: no designation date (so none is stated) and no CCGs (see graph "
    "derived/ics-2019-coverage)."
)
COVERAGE_RULE = (
    "A 2019 integrated care system covers every CCG of the April 2019 configuration (ccg19_to_stp19_2019-04, in "
    "force until April 2020, so in December 2019) whose own name, or whose STP's name, has the same place words "
    "as the system's name: the words in lower case, '&' read as 'and', without "
    + ", ".join(sorted(GENERIC_WORDS))
    + ", and with a final 'shire' dropped. Each coverage is an org:Membership (role ccg:PartnerRole) with the "
    "ccg:referenceDate of the ICS list and no interval: no source dates a designation. A system no name matches "
    "is stated without CCGs, with a comment saying so."
)


def place_words(name: str) -> frozenset[str]:
    """The words of `name` that name a place (see the module docstring)."""
    words = re.findall(r"[a-z]+", name.lower().replace("&", " and "))
    return frozenset(word.removesuffix("shire") or word for word in words if word not in GENERIC_WORDS)


def ics_coverage_iri(ons_code: str, ccg_code: str) -> URIRef:
    """The 2019 system's coverage of one CCG, e.g. ``ics/E59000010/ccg/15A``."""
    return ID[f"ics/{ons_code.upper()}/ccg/{ccg_code.upper()}"]


def build_integrated_care_systems(ctx: BuildContext) -> None:
    ctx.progress("Integrated care systems of December 2019")
    systems = ctx.graph(ICS19)
    listed = list(read_ons_list(ctx.open(ICS19), "ICS"))
    for entry in listed:
        ics = ics_iri(entry.ons_code)
        systems.type(ics, CCG.IntegratedCareSystem)
        systems.add(ics, CCG.onsCode, entry.ons_code)
        systems.label(ics, SKOS + "prefLabel", f"{entry.name} integrated care system")
        systems.label(ics, RDFS + "label", f"{entry.name} integrated care system")
        systems.label(ics, RDFS + "comment", NO_DESIGNATION_DATE)

    by_words: dict[frozenset[str], set[str]] = defaultdict(set)
    for row in read_ccg_lookup(ctx.open(CCG19_TO_STP19)):
        code = row.ccg.ods_code
        if code is None:
            continue
        by_words[place_words(row.ccg.name)].add(code)
        by_words[place_words(row.parent("STP").name)].add(code)
    coverage = ctx.derived(
        "ics-2019-coverage", "The CCGs each 2019 integrated care system covered", [ICS19, CCG19_TO_STP19], COVERAGE_RULE
    )
    listed_on = release_date(ICS19)
    for entry in listed:
        ics = ics_iri(entry.ons_code)
        covered = sorted(by_words.get(place_words(entry.name), set()))
        if not covered:
            coverage.label(
                ics,
                RDFS + "comment",
                "No CCG or STP name of April 2019 has this system's place words, so the CCGs it covered are not "
                "stated (no source lists them).",
            )
        for code in covered:
            membership = ics_coverage_iri(entry.ons_code, code)
            coverage.type(membership, ORG + "Membership")
            coverage.add(membership, ORG + "member", ccg_iri(code))
            coverage.add(membership, ORG + "organization", ics)
            coverage.add(membership, ORG + "role", CCG.PartnerRole)
            coverage.add(membership, CCG.referenceDate, listed_on)
