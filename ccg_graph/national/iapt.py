"""CCG → talking-therapies (IAPT) provider relations, Sep 2020 - Sep 2021 (NHS Digital IAPT monthly data).

Each distinct commissioner × provider pair of the file is a ``ccg:ProviderRelation`` derived by rule: the
CCG was the commissioner of the provider's IAPT activity at some time in the period. Commissioners that are
not CCGs of the graph (hubs 13Q/14M/14R, ``InvalidCode``) are left out. A provider with an NHS trust code
(one in the ODS trust releases) is that trust; any other is an independent or voluntary sector provider known
by its ODS code, named as IAPT wrote it.
"""

from __future__ import annotations

from datetime import date

from ccg_graph.core.namespaces import CCG, ccg_iri, provider_iri, relation_iri, trust_iri
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.ingest.iapt import read_iapt_pairs
from ccg_graph.national.context import BuildContext
from ccg_graph.national.trusts import TrustRegistry

IAPT = "nhs-digital-iapt/iapt_ccg_provider_pairs_2020-09_to_2021-09.csv"
PERIOD = (date(2020, 9, 1), date(2021, 9, 30))
SERVICE = "NHS talking therapies (IAPT)"


def build_iapt(ctx: BuildContext, trusts: TrustRegistry) -> None:
    ctx.progress("IAPT commissioner x provider pairs")
    out = ctx.derived(
        "iapt-providers",
        "CCG → talking-therapies provider relations, Sep 2020 - Sep 2021",
        [IAPT],
        "A CCG commissioned talking therapies from a provider from September 2020 to September 2021 if the "
        "IAPT monthly data list the pair (commissioner = the CCG); the service is the provider's IAPT service "
        "name where it names one, else 'NHS talking therapies (IAPT)'.",
    )
    source = ctx.graph(IAPT)
    period = ctx.time.interval(*PERIOD)
    for pair in read_iapt_pairs(ctx.open(IAPT)):
        if pair.commissioner not in ctx.ccgs:
            continue
        if pair.provider in trusts.preferred:
            provider = trust_iri(pair.provider)
        else:
            provider = provider_iri(pair.provider)
            source.type(provider, CCG.IndependentProvider)
            source.add(provider, CCG.odsCode, pair.provider)
            source.label(provider, RDFS + "label", pair.provider_name)
        relation = relation_iri("iapt-provider", pair.commissioner, pair.provider, "2020-09-2021-09")
        out.type(relation, CCG.ProviderRelation)
        out.add(relation, CCG.purchaser, ccg_iri(pair.commissioner))
        out.add(relation, CCG.provider, provider)
        out.add(relation, CCG.serviceLabel, pair.provider_name if pair.provider not in trusts.preferred else SERVICE)
        out.add(relation, CCG.relationBasis, CCG.IaptActivityEvidence)
        out.add(relation, CCG.validDuringPeriod, period)
        out.add(relation, CCG.sourceRow, pair.line)
