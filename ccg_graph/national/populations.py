"""How many people each practice and CCG served: registered patients, prescribing list sizes, QOF list
sizes and ONS resident populations, each kept as its own measure (they do not agree and are never mixed).

Per-CCG sums of practice counts are written to a derived graph, attributed to the CCG each practice's
row names (the commissioner on the extract date), not to today's CCG.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from ccg_graph.core.errors import BadInput
from ccg_graph.core.namespaces import (
    CCG,
    ccg_iri,
    population_measure_iri,
    population_observation_iri,
    practice_iri,
)
from ccg_graph.ingest.list_sizes import read_list_sizes
from ccg_graph.ingest.ons import read_ccg_population
from ccg_graph.ingest.qof import list_size_by_ccg, read_qof_prevalence
from ccg_graph.ingest.registrations import read_practice_registrations
from ccg_graph.national.context import BuildContext
from ccg_graph.national.emit import GraphWriter

QOF = "hscic-qof/qof_prevalence_by_ccg_2013-14.csv"
ONS_POPULATION = "ons-geography/ccg21_to_stp21_to_nhser21_with_population.csv"
REGISTRATIONS = "nhs-digital-gp-registrations/gp-reg-pat-prac-all_2021-01.csv"
#: NHSBSA quarters and the first day of each.
LIST_SIZES = (
    ("nhsbsa-gp-list-sizes/Patient_List_Size_2013_04-06.csv", date(2013, 4, 1)),
    ("nhsbsa-gp-list-sizes/Patient_List_Size_2014_04-06.csv", date(2014, 4, 1)),
    ("nhsbsa-gp-list-sizes/Patient_List_Size_2015_04-06.csv", date(2015, 4, 1)),
    ("nhsbsa-gp-list-sizes/Patient_List_Size_2016_01-03.csv", date(2016, 1, 1)),
)
#: QOF 2013-14 counts the list at the end of its year.
QOF_REFERENCE_DATE = date(2014, 3, 31)
#: ONS mid-year estimates describe 30 June.
ONS_REFERENCE_DATE = date(2020, 6, 30)


def observe(out: GraphWriter, kind: str, code: str, measure: str, day: date, count: int) -> None:
    subject = ccg_iri(code) if kind == "ccg" else practice_iri(code)
    observation = population_observation_iri(kind, code, measure, day)
    out.add(subject, CCG.population, observation)
    out.type(observation, CCG.PopulationObservation)
    out.add(observation, CCG.populationMeasure, population_measure_iri(measure))
    out.add(observation, CCG.populationCount, count)
    out.add(observation, CCG.referenceDate, day)


def build_populations(ctx: BuildContext) -> None:
    ctx.progress("populations: QOF, ONS, registrations, list sizes")
    qof = ctx.graph(QOF)
    for code, size in sorted(list_size_by_ccg(read_qof_prevalence(ctx.open(QOF)), ctx.open(QOF)).items()):
        if code in ctx.ccgs:
            observe(qof, "ccg", code, "qof-list-size", QOF_REFERENCE_DATE, size)
    ons = ctx.graph(ONS_POPULATION)
    for row in read_ccg_population(ctx.open(ONS_POPULATION)):
        code = ctx.ccg_by_ons.get(row.ccg_ons)
        if code:
            observe(ons, "ccg", code, "resident-population", ONS_REFERENCE_DATE, row.population)
    _practice_counts(ctx)


def _practice_counts(ctx: BuildContext) -> None:
    sums = ctx.derived(
        "ccg-patient-counts",
        "Registered patients and prescribing list sizes summed per CCG",
        [REGISTRATIONS, *(path for path, _ in LIST_SIZES)],
        "The sum over the practices each release assigns to the CCG (NHSBSA PCO code minus its trailing '00').",
    )
    registered = ctx.graph(REGISTRATIONS)
    totals: Counter[str] = Counter()
    day = None
    for row in read_practice_registrations(ctx.open(REGISTRATIONS)):
        day = row.extract_date
        if row.practice in ctx.practices:
            observe(registered, "practice", row.practice, "registered-patients", day, row.patients)
        if row.ccg in ctx.ccgs:
            totals[row.ccg] += row.patients
    if day is None:
        raise BadInput("the practice registrations file has no rows", path=ctx.open(REGISTRATIONS))
    for code, total in sorted(totals.items()):
        observe(sums, "ccg", code, "registered-patients", day, total)
    for path, quarter in LIST_SIZES:
        out = ctx.graph(path)
        totals = Counter()
        for row in read_list_sizes(ctx.open(path)):
            if row.practice in ctx.practices and row.patients > 0:
                observe(out, "practice", row.practice, "prescribing-list-size", quarter, row.patients)
            if row.commissioner in ctx.ccgs:
                totals[row.commissioner] += row.patients
        for code, total in sorted(totals.items()):
            observe(sums, "ccg", code, "prescribing-list-size", quarter, total)
