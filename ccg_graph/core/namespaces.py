"""Every IRI namespace and well-known IRI of ccg-graph, defined once and imported everywhere.

The IRIs minted here are a public contract: saved queries, apps and other people's links depend on them.
Extend rather than rename.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

DEF_BASE = "https://w3id.org/ccg-graph/def#"
#: How the kinds of NHS body are named for people (pages, search hits), by their class's local name under DEF_BASE.
KIND_LABELS = {
    "NHSEnglandRegion": "NHS England region",
    "NHSEnglandAreaTeam": "NHS England area team",
    "NHSEnglandLocalOffice": "NHS England local office",
    "ClinicalCommissioningGroup": "Clinical commissioning group",
    "PrimaryCareTrust": "Primary care trust",
    "IntegratedCareBoard": "Integrated care board",
    "GPPractice": "GP practice",
    "SubICBLocation": "Sub-ICB location",
}
ID_BASE = "https://w3id.org/ccg-graph/id/"
ONTOLOGY_IRI = "https://w3id.org/ccg-graph/def"
SHAPES_IRI = "https://w3id.org/ccg-graph/shapes"
#: The dataset as a whole (VoID/DCAT description at ``/dataset`` and ``/.well-known/void``).
DATASET_IRI = "https://w3id.org/ccg-graph/dataset"

CCG = Namespace(DEF_BASE)
ID = Namespace(ID_BASE)
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")

#: The W3C and other vocabularies as plain strings, for code that writes IRIs as text or builds pyoxigraph
#: terms (``ox.NamedNode(RDFS_NS + "label")``); the rdflib namespaces above and these are the same IRIs.
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
ORG_NS = str(ORG)
PROV_NS = "http://www.w3.org/ns/prov#"
DCT_NS = "http://purl.org/dc/terms/"
TIME_NS = "http://www.w3.org/2006/time#"
DCAT_NS = str(DCAT)
VOID_NS = str(VOID)
SD_NS = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE_IRI = RDF_NS + "type"
RDF_LANG_STRING = RDF_NS + "langString"
XSD_STRING = XSD_NS + "string"

#: Prefixes bound in every serialisation and prepended to every saved query.
PREFIXES: dict[str, str] = {
    "ccg": DEF_BASE,
    "id": ID_BASE,
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "time": str(TIME),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "dcat": str(DCAT),
    "void": str(VOID),
    "ccgsh": "https://w3id.org/ccg-graph/shapes#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "geof": "http://www.opengis.net/def/function/geosparql/",
}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Za-z0-9]+$")


def _code(value: str) -> str:
    if not _CODE.match(value):
        raise ValueError(f"not an organisation code: {value!r}")
    return value.upper()


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"not a lower-case, hyphenated slug: {value!r}")
    return value


# --- organisations keyed by their ODS code (ODS codes persist; ONS codes change with boundaries) -------
def ccg_iri(ods_code: str) -> URIRef:
    return ID[f"ccg/{_code(ods_code)}"]


def practice_iri(ods_code: str) -> URIRef:
    return ID[f"practice/{_code(ods_code)}"]


def pct_iri(ods_code: str) -> URIRef:
    return ID[f"pct/{_code(ods_code)}"]


def sha_iri(ods_code: str) -> URIRef:
    return ID[f"sha/{_code(ods_code)}"]


def icb_iri(ods_code: str) -> URIRef:
    return ID[f"icb/{_code(ods_code)}"]


def sub_icb_location_iri(ods_code: str) -> URIRef:
    return ID[f"sub-icb-location/{_code(ods_code)}"]


def region_iri(ods_code: str) -> URIRef:
    return ID[f"region/{_code(ods_code)}"]


def area_team_iri(ods_code: str) -> URIRef:
    return ID[f"area-team/{_code(ods_code)}"]


def local_office_iri(ods_code: str) -> URIRef:
    return ID[f"local-office/{_code(ods_code)}"]


def stp_iri(code: str) -> URIRef:
    """An STP/ICS footprint, keyed by its ODS code (Q..) where it has one, else by its ONS E54 code."""
    return ID[f"stp/{_code(code)}"]


def ics_iri(ons_code: str) -> URIRef:
    return ID[f"ics/{_code(ons_code)}"]


def pcn_iri(ods_code: str) -> URIRef:
    return ID[f"pcn/{_code(ods_code)}"]


def csu_iri(ods_code: str) -> URIRef:
    return ID[f"csu/{_code(ods_code)}"]


# --- organisations keyed by their ONS code --------------------------------------------------------------
def local_authority_iri(ons_code: str) -> URIRef:
    return ID[f"local-authority/{_code(ons_code)}"]


def health_and_wellbeing_board_iri(ons_code: str) -> URIRef:
    """The health and wellbeing board of the upper-tier local authority with this ONS code."""
    return ID[f"health-and-wellbeing-board/{_code(ons_code)}"]


# --- parts of a CCG -----------------------------------------------------------------------------------
def governing_body_iri(ods_code: str) -> URIRef:
    return ID[f"ccg/{_code(ods_code)}/governing-body"]


def governing_body_post_iri(ods_code: str, post_slug: str) -> URIRef:
    return ID[f"ccg/{_code(ods_code)}/governing-body/post/{_slug(post_slug)}"]


# --- national bodies and posts ------------------------------------------------------------------------
def organisation_iri(slug: str) -> URIRef:
    return ID[f"organisation/{_slug(slug)}"]


def post_iri(slug: str) -> URIRef:
    return ID[f"post/{_slug(slug)}"]


def person_iri(slug: str) -> URIRef:
    return ID[f"person/{_slug(slug)}"]


NHS_ENGLAND = organisation_iri("nhs-england")
DEPARTMENT_OF_HEALTH = organisation_iri("department-of-health")
PUBLIC_HEALTH_ENGLAND = organisation_iri("public-health-england")
PARLIAMENT = organisation_iri("parliament")
SECRETARY_OF_STATE = post_iri("secretary-of-state-for-health")


# --- services, schemes, events, time --------------------------------------------------------------------
def service_iri(slug: str) -> URIRef:
    return ID[f"service/{_slug(slug)}"]


def scheme_iri(slug: str) -> URIRef:
    return ID[f"scheme/{_slug(slug)}"]


SERVICE_SCHEME = scheme_iri("service-categories")
POPULATION_MEASURE_SCHEME = scheme_iri("population-measures")


def event_iri(kind: str, key: str) -> URIRef:
    """A change event, e.g. ``event/merger/2020-04-01/15N`` (the key names the resulting body)."""
    return ID[f"event/{_slug(kind)}/{key}"]


def instant_iri(day: date) -> URIRef:
    return ID[f"instant/{day.isoformat()}"]


def interval_iri(start: date | None, end: date | None) -> URIRef:
    """A time:Interval named by its inclusive first and last day; ``open-ended`` where one is unknown."""
    begin = start.isoformat() if start else "open-ended"
    finish = end.isoformat() if end else "open-ended"
    return ID[f"interval/{begin}/{finish}"]


def source_graph_iri(release: str) -> URIRef:
    """The named graph holding the triples derived from one source release (e.g. ``ods/eccg_2024-25``)."""
    return ID[f"graph/{release}"]


def source_iri(release: str) -> URIRef:
    """The source release itself (a prov:Entity / dcat:Distribution of its publisher)."""
    return ID[f"source/{release}"]


def build_activity_iri(build_id: str) -> URIRef:
    return ID[f"build/{build_id}"]


CORE_GRAPH = source_graph_iri("core")
ONTOLOGY_GRAPH = URIRef(ONTOLOGY_IRI)


# --- dated relationships and observations (n-ary resources) -------------------------------------------------
def membership_iri(member: str, kind: str, organisation_code: str, start: date | None) -> URIRef:
    """A membership spell, e.g. ``membership/A81001/ccg/00K/2013-04-01``."""
    begin = start.isoformat() if start else "unknown-start"
    return ID[f"membership/{_code(member)}/{_slug(kind)}/{_code(organisation_code)}/{begin}"]


def accountability_iri(organisation_code: str, body_kind: str, body_code: str, start: date) -> URIRef:
    return ID[f"accountability/{_code(organisation_code)}/{_slug(body_kind)}/{_code(body_code)}/{start.isoformat()}"]


def commissioning_iri(organisation_code: str, service_slug: str) -> URIRef:
    return ID[f"commissioning/{_code(organisation_code)}/{_slug(service_slug)}"]


def delegation_iri(organisation_code: str, service_slug: str, start: date) -> URIRef:
    return ID[f"delegation/{_code(organisation_code)}/{_slug(service_slug)}/{start.isoformat()}"]


def name_record_iri(kind: str, code: str, release: str) -> URIRef:
    """The name one organisation bore in one source release (release keys look like ``ons-geography/x``)."""
    return ID[f"name/{_slug(kind)}/{_code(code)}/{release}"]


def ons_code_assignment_iri(kind: str, code: str, ons_code: str) -> URIRef:
    return ID[f"ons-code/{_slug(kind)}/{_code(code)}/{_code(ons_code)}"]


def share_iri(event: URIRef, from_code: str, to_code: str) -> URIRef:
    return URIRef(f"{event}/share/{_code(from_code)}/{_code(to_code)}")


def overlap_iri(release_year: int, kind: str, organisation_code: str, authority_code: str) -> URIRef:
    return ID[f"overlap/{release_year}/{_slug(kind)}/{_code(organisation_code)}/{_code(authority_code)}"]


def geometry_iri(kind: str, code: str, edition: str) -> URIRef:
    """One organisation's boundary in one edition, e.g. ``geometry/ccg/00C/ccg15``."""
    return ID[f"geometry/{_slug(kind)}/{_code(code)}/{_slug(edition)}"]


def population_measure_iri(slug: str) -> URIRef:
    return ID[f"population-measure/{_slug(slug)}"]


def population_observation_iri(kind: str, code: str, measure_slug: str, day: date) -> URIRef:
    return ID[f"population/{_slug(kind)}/{_code(code)}/{_slug(measure_slug)}/{day.isoformat()}"]


def submission_iri(submission_id: str) -> URIRef:
    """A steward's submission (a `prov:Activity`); ids are lower-case, digits and hyphens."""
    return ID[f"submission/{_slug(submission_id)}"]


def agent_iri(name: str) -> URIRef:
    """Whoever submitted data (a `prov:Agent`), keyed by a hash of how they identified themselves."""
    return ID[f"agent/{hashlib.sha256(name.encode()).hexdigest()[:16]}"]


def release_iri(release_id: str) -> URIRef:
    """A state of the published graph (a `prov:Entity`): the build (``build``) or a later release."""
    return ID[f"release/{release_id.lower()}"]


#: The named graph holding the provenance of stewards' submissions.
SUBMISSIONS_GRAPH = source_graph_iri("submissions")


# --- money, providers and support (batch 2) ---------------------------------------------------------------
def trust_iri(ods_code: str) -> URIRef:
    """An NHS trust or foundation trust, keyed by its ODS code (RYY, or a 5-character code since 2024)."""
    return ID[f"trust/{_code(ods_code)}"]


def provider_iri(ods_code: str) -> URIRef:
    """A provider known by an ODS code that is not an NHS trust's (an independent or voluntary sector site)."""
    return ID[f"provider/{_code(ods_code)}"]


def named_csu_iri(slug: str) -> URIRef:
    """A commissioning support unit known only by the name payments give it (no source states its ODS code);
    slugs are lower-case, so they never collide with the upper-case ODS codes of `csu_iri`."""
    return ID[f"csu/{_slug(slug)}"]


def cancer_alliance_iri(ons_code: str) -> URIRef:
    """A cancer alliance (E56) or National Cancer Vanguard (E57), keyed by its ONS code."""
    return ID[f"cancer-alliance/{_code(ons_code)}"]


def supplier_iri(register: str, key: str) -> URIRef:
    """A supplier no organisation in the graph matches: ``company/{number}``, ``charity/{number}`` (registered
    numbers), or ``name/{hash}`` (a cleaned name only)."""
    return ID[f"supplier/{_slug(register)}/{_code(key)}"]


def supplier_name_iri(key: str) -> URIRef:
    """One supplier name as a CCG wrote it, with what it was matched to (``key`` is a hash of the name)."""
    return ID[f"supplier-name/{_code(key)}"]


def financial_year_iri(label: str) -> URIRef:
    """A financial year, 1 April - 31 March, from its label ``2018/19`` (IRI ``financial-year/2018-19``)."""
    if not re.fullmatch(r"[0-9]{4}/[0-9]{2}", label):
        raise ValueError(f"not a financial year label like 2018/19: {label!r}")
    return ID[f"financial-year/{label.replace('/', '-')}"]


def payment_iri(release: str, line: int) -> URIRef:
    """A payment, identified by its source release and the line of its row (rows repeat exactly)."""
    return ID[f"payment/{release}/{line}"]


def spend_line_iri(key: str) -> URIRef:
    """What a CCG's payments to one supplier name under one expense type and area share (``key``: a hash)."""
    return ID[f"spend-line/{_code(key)}"]


def observation_iri(kind: str, code: str, financial_year: str, release: str) -> URIRef:
    """A yearly money figure of one organisation from one release: ``allocation/…``, ``mental-health-spend/…``."""
    return ID[f"{_slug(kind)}/{_code(code)}/{financial_year.replace('/', '-')}/{release}"]


def relation_iri(kind: str, subject_code: str, object_key: str, qualifier: str) -> URIRef:
    """A derived relation between organisations (CSU client, provider, delegation), e.g.
    ``relation/csu-client/00C/arden-and-gem/2018-19``."""
    return ID[f"relation/{_slug(kind)}/{_code(subject_code)}/{object_key}/{qualifier}"]
