"""What the law required of every CCG, stated as requirement and never as record.

No reference file says anything about governing bodies, posts or which services one CCG commissioned. What
the graph can say truthfully is what the legislation required of every CCG, and it says it only in graphs
whose ``ccg:basis`` is ``ccg:StatutoryRequirement`` (`BuildContext.statutory`), each ``prov:wasDerivedFrom``
the legislation and provision:

* ``graph/statute/ccg-governing-bodies``: each CCG's governing body (National Health Service Act 2006,
  s.14L) and the posts it had to have (NHS (CCG) Regulations 2012, reg. 11), typed ``ccg:RequiredPost``,
  labelled as required, dated to the CCG's life, with no holder. The GP members are included: every seed
  text describes GPs on the governing body, though none names the provision, so those posts cite the seed
  texts instead of a provision.
* ``graph/statute/ccg-accountability``: every CCG answered to NHS England (s.14Z16).
* ``graph/statute/commissioning-duties``: the national scheme stated once per service category and period
  (``ccg:StatutoryCommissioningDuty``, s.3), not copied onto each CCG.

The rules are applied for the CCGs' whole existence, 1 April 2013 to 30 June 2022: none of this project's
sources records an amendment of them, so none is stated (docs/data-derivation.md, "Statutory requirements").
Holders of posts and per-CCG commissioning come only from evidence (a steward's submission, a payment file).
"""

from __future__ import annotations

from rdflib import URIRef

from ccg_graph.core.namespaces import (
    CCG,
    ID,
    NHS_ENGLAND,
    ccg_iri,
    governing_body_iri,
    governing_body_post_iri,
    service_iri,
)
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.national.context import CCG_ERA_END, CCG_ERA_START, BuildContext

NHS_ACT_2006 = URIRef("https://www.legislation.gov.uk/ukpga/2006/41/contents")
CCG_REGULATIONS = URIRef("https://www.legislation.gov.uk/uksi/2012/1631/contents/made")
#: Provisions cited, with the label shown beside the facts they cover.
GOVERNING_BODY_SECTION = URIRef("https://www.legislation.gov.uk/ukpga/2006/41/section/14L")
COMPOSITION_REGULATION = URIRef("https://www.legislation.gov.uk/uksi/2012/1631/regulation/11/made")
ACCOUNTABILITY_SECTION = URIRef("https://www.legislation.gov.uk/ukpga/2006/41/section/14Z16")
COMMISSIONING_SECTION = URIRef("https://www.legislation.gov.uk/ukpga/2006/41/section/3")
PROVISION_LABELS = {
    GOVERNING_BODY_SECTION: "National Health Service Act 2006, s.14L",
    COMPOSITION_REGULATION: "NHS (Clinical Commissioning Groups) Regulations 2012, reg. 11",
    ACCOUNTABILITY_SECTION: "National Health Service Act 2006, s.14Z16",
    COMMISSIONING_SECTION: "National Health Service Act 2006, s.3",
}
#: The seed texts that describe GPs on every governing body (data/core.ttl describes each).
GP_SEED_TEXTS = tuple(
    ID[f"source/seed/{name}"] for name in ("001_6d6d0aefa7c94654", "003_58015cc16265a0fa", "004_f572d6e23277a489")
)

#: The posts reg. 11 requires on every governing body: slug -> (role, label).
STATUTORY_POSTS = {
    "chair": ("ChairRole", "Chair"),
    "accountable-officer": ("AccountableOfficerRole", "Accountable officer"),
    "chief-finance-officer": ("ChiefFinanceOfficerRole", "Chief finance officer"),
    "registered-nurse": ("RegisteredNurseRole", "Registered nurse"),
    "secondary-care-specialist-doctor": ("SecondaryCareSpecialistRole", "Secondary-care specialist doctor"),
    "lay-member-governance": ("LayMemberGovernanceRole", "Lay member for governance"),
    "lay-member-patient-and-public-involvement": (
        "LayMemberPatientAndPublicInvolvementRole",
        "Lay member for patient and public involvement",
    ),
}
GP_MEMBER_POST = ("gp-member", "GPRepresentativeRole", "GP member")

#: The service categories the statute gives every CCG (see data/core.ttl for their sources).
CCG_SERVICES = (
    "elective-hospital-care",
    "rehabilitation",
    "urgent-and-emergency-care",
    "community-health-services",
    "mental-health-and-learning-disability",
    "maternity-and-newborn",
    "specialist-obesity-tier-3",
    "care-of-unregistered-patients",
)

RULE_PERIOD = (
    "applied for the CCGs' whole existence, 1 April 2013 to 30 June 2022, because none of this project's sources "
    "records an amendment"
)


def statutory_duty_iri(kind: str, service_slug: str) -> URIRef:
    """The national scheme's duty of every body of one kind to commission one service category."""
    return ID[f"duty/{kind}/{service_slug}"]


def build_statutory_requirements(ctx: BuildContext) -> None:
    ctx.progress("CCGs: statutory requirements (governing bodies, accountability, commissioning duties)")
    _write_provisions(ctx)
    _write_governing_bodies(ctx)
    _write_accountability(ctx)
    _write_commissioning_duties(ctx)


def _write_provisions(ctx: BuildContext) -> None:
    out = ctx.statutory(
        "provisions",
        "The provisions of legislation cited by the statutory-requirement graphs",
        [NHS_ACT_2006, CCG_REGULATIONS],
        "Each provision with the act or instrument it belongs to and the period for which the graph applies it "
        f"({RULE_PERIOD}).",
    )
    period = ctx.time.interval(CCG_ERA_START, CCG_ERA_END)
    for provision, label in PROVISION_LABELS.items():
        act = CCG_REGULATIONS if "uksi" in provision else NHS_ACT_2006
        out.label(provision, RDFS + "label", label)
        out.add(provision, DCT + "isPartOf", act)
        out.add(provision, CCG.validDuring, period)
        out.label(provision, RDFS + "comment", f"As applied in this graph: {RULE_PERIOD}.")


def _write_governing_bodies(ctx: BuildContext) -> None:
    out = ctx.statutory(
        "ccg-governing-bodies",
        "The governing body and posts the law required of every CCG (required posts, holders not recorded)",
        [NHS_ACT_2006, GOVERNING_BODY_SECTION, CCG_REGULATIONS, COMPOSITION_REGULATION, *GP_SEED_TEXTS],
        "Every CCG had to have a governing body (National Health Service Act 2006, s.14L) with a chair, the "
        "accountable officer, a chief finance officer, a registered nurse, a secondary-care specialist doctor and "
        "two lay members (NHS (CCG) Regulations 2012, reg. 11), and GP members (described by seed texts 001, 003 "
        f"and 004; no provision among the sources). Each required post is dated to the CCG's life: the rules are "
        f"{RULE_PERIOD}. Nothing here says who held a post: holders come only from evidence.",
    )
    for code, life in sorted(ctx.ccgs.items()):
        iri = ccg_iri(code)
        body = governing_body_iri(code)
        during = ctx.time.interval(max(life.open_date, CCG_ERA_START), min(life.close_date, CCG_ERA_END))
        out.add(iri, CCG.governingBody, body)
        out.add(iri, ORG + "hasUnit", body)
        out.type(body, CCG.GoverningBody)
        out.add(body, CCG.governingBodyOf, iri)
        out.add(body, ORG + "unitOf", iri)
        out.add(body, CCG.requiredBy, GOVERNING_BODY_SECTION)
        out.label(body, SKOS + "prefLabel", f"Governing body of {life.name} (required by the NHS Act 2006, s.14L)")
        posts: list[tuple[str, str, str, URIRef | None]] = [
            (slug, role, label, COMPOSITION_REGULATION) for slug, (role, label) in STATUTORY_POSTS.items()
        ]
        posts.append((*GP_MEMBER_POST, None))
        for slug, role, label, provision in posts:
            post = governing_body_post_iri(code, slug)
            out.add(body, ORG + "hasPost", post)
            out.type(post, ORG + "Post")
            out.type(post, CCG.RequiredPost)
            out.add(post, ORG + "postIn", body)
            out.add(post, ORG + "role", CCG[role])
            out.add(post, CCG.validDuring, during)
            if provision is not None:
                out.add(post, CCG.requiredBy, provision)
                cited = PROVISION_LABELS[provision]
            else:
                for seed in GP_SEED_TEXTS:
                    out.add(post, DCT + "source", seed)
                cited = "as the seed texts describe every governing body; no provision cited"
            out.label(post, SKOS + "prefLabel", f"Required post: {label}, {life.name} ({cited}; holder not recorded)")


def _write_accountability(ctx: BuildContext) -> None:
    out = ctx.statutory(
        "ccg-accountability",
        "Every CCG answered to NHS England",
        [NHS_ACT_2006, ACCOUNTABILITY_SECTION],
        "NHS England assessed every CCG each year (National Health Service Act 2006, s.14Z16): each CCG is "
        "ccg:accountableTo NHS England for its life. The dated oversight by regions, area teams and local offices "
        "comes from the ONS lookups (graph derived/nhs-england-oversight).",
    )
    for code in sorted(ctx.ccgs):
        out.add(ccg_iri(code), CCG.accountableTo, NHS_ENGLAND)


def _write_commissioning_duties(ctx: BuildContext) -> None:
    out = ctx.statutory(
        "commissioning-duties",
        "The national commissioning scheme: what every CCG had the duty to commission",
        [NHS_ACT_2006, COMMISSIONING_SECTION],
        "Each service category CCGs had the duty to commission (National Health Service Act 2006, s.3) is stated "
        f"once, for the kind ccg:ClinicalCommissioningGroup, for 1 April 2013 to 30 June 2022 ({RULE_PERIOD}). It "
        "applies to each CCG for the part of that period the CCG existed; it is not copied onto each CCG.",
    )
    period = ctx.time.interval(CCG_ERA_START, CCG_ERA_END)
    for slug in CCG_SERVICES:
        duty = statutory_duty_iri("ccg", slug)
        out.type(duty, CCG.StatutoryCommissioningDuty)
        out.add(duty, CCG.dutyOfType, CCG.ClinicalCommissioningGroup)
        out.add(duty, CCG.service, service_iri(slug))
        out.add(duty, CCG.validDuring, period)
        out.add(duty, CCG.statutoryBasis, COMMISSIONING_SECTION)
        out.label(duty, RDFS + "label", f"Duty of every CCG to commission {slug.replace('-', ' ')} (NHS Act 2006, s.3)")
