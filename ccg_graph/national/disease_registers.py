"""The QOF disease registers of 2013-14 per CCG: how many patients each register held, of how large a list,
at what prevalence, as the HSCIC file states them (a source record: nothing is computed).

Each register is a concept (``id:qof-register/<slug of its description>``: the file has two heart-failure
registers under one indicator group, so the group code alone is not a key); each CCG's count is a
``ccg:DiseaseRegisterObservation`` in the file's own graph.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox
from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, ID, ccg_iri
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.ingest.qof import read_qof_prevalence
from ccg_graph.national.context import BuildContext
from ccg_graph.national.populations import QOF, QOF_REFERENCE_DATE

DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
QOF_YEAR = "2013-14"


def register_slug(description: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", description.lower()).strip("-")


def register_iri(description: str) -> URIRef:
    return ID[f"qof-register/{register_slug(description)}"]


def observation_iri(year: str, ccg_code: str, description: str) -> URIRef:
    return ID[f"qof-register/{register_slug(description)}/{year}/ccg/{ccg_code}"]


def build_disease_registers(ctx: BuildContext) -> None:
    ctx.progress("QOF disease registers per CCG")
    out = ctx.graph(QOF)
    for row in read_qof_prevalence(ctx.open(QOF)):
        if row.ccg not in ctx.ccgs:
            continue
        description = " ".join(row.register_description.split())
        register = register_iri(description)
        out.type(register, CCG.DiseaseRegister)
        out.name(register, description)
        out.add(register, SKOS + "notation", row.indicator_group)
        observation = observation_iri(QOF_YEAR, row.ccg, description)
        out.add(ccg_iri(row.ccg), CCG.diseaseRegister, observation)
        out.type(observation, CCG.DiseaseRegisterObservation)
        out.add(observation, CCG.register, register)
        out.add(observation, CCG.registerSize, row.register_size)
        out.add(observation, CCG.listSize, row.list_size)
        # As published (the build's usual six decimals would round QOF's ten away).
        out.add(observation, CCG.prevalence, ox.Literal(format(Decimal(repr(row.prevalence)), "f"), datatype=DECIMAL))
        out.add(observation, CCG.qofYear, QOF_YEAR)
        out.add(observation, CCG.referenceDate, QOF_REFERENCE_DATE)
