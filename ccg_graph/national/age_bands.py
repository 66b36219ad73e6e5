"""NHSBSA prescribing list sizes by age band and sex, summed per CCG for each quarter the build reads.

The practice rows give 18 counts (male and female in nine age bands); the sum over the practices a release
assigns to a CCG (its PCO code) is one population observation per band and sex, linked from the CCG by
``ccg:populationByAgeAndSex`` (not ``ccg:population``, whose observations are totals), in a derived graph
that states the rule.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, ID, ccg_iri, population_measure_iri
from ccg_graph.ingest.list_sizes import AGE_BANDS, COUNT_COLUMNS, read_list_sizes
from ccg_graph.national.context import BuildContext
from ccg_graph.national.populations import LIST_SIZES

MEASURE = "prescribing-list-size"


def band_slug(column: str) -> tuple[str, str, str]:
    """``"Male 0-4"`` -> (``"male"``, ``"0-4"``, ``"male-0-4"``); ``"Female 75+"`` -> (..., ``"75-and-over"``)."""
    sex, band = column.split(" ", 1)
    slug_band = band.replace("+", "-and-over")
    return sex.lower(), band, f"{sex.lower()}-{slug_band}"


def band_observation_iri(code: str, day: str, slug: str) -> URIRef:
    return ID[f"population/ccg/{code}/{MEASURE}/{day}/{slug}"]


def build_age_bands(ctx: BuildContext) -> None:
    ctx.progress("prescribing list sizes by age band and sex")
    out = ctx.derived(
        "ccg-list-size-age-bands",
        "NHSBSA prescribing list sizes by age band and sex, summed per CCG",
        [path for path, _ in LIST_SIZES],
        "Each count is the sum, over the rows whose PCO code is the CCG's (its ODS code plus '00'), of one of "
        f"the file's 18 columns ({', '.join(COUNT_COLUMNS[:2])}, ... in the age bands {', '.join(AGE_BANDS)}).",
    )
    measure = population_measure_iri(MEASURE)
    for path, quarter in LIST_SIZES:
        sums: dict[str, list[int]] = defaultdict(lambda: [0] * len(COUNT_COLUMNS))
        for row in read_list_sizes(ctx.open(path)):
            if row.commissioner in ctx.ccgs and row.counts:
                totals = sums[row.commissioner]
                for index, count in enumerate(row.counts):
                    totals[index] += count
        for code, totals in sorted(sums.items()):
            for column, count in zip(COUNT_COLUMNS, totals, strict=True):
                sex, band, slug = band_slug(column)
                observation = band_observation_iri(code, quarter.isoformat(), slug)
                out.add(ccg_iri(code), CCG.populationByAgeAndSex, observation)
                out.type(observation, CCG.PopulationObservation)
                out.add(observation, CCG.populationMeasure, measure)
                out.add(observation, CCG.populationCount, count)
                out.add(observation, CCG.referenceDate, quarter)
                out.add(observation, CCG.sex, sex)
                out.add(observation, CCG.ageBand, band)
