"""Cancer alliances and each CCG's membership of one, from the ONS CCG → STP → cancer alliance lookups.

Each lookup states the memberships of its year: 2017 from 1 April 2017, 2018 from 1 April 2018, and the
July 2019 file (the 191 CCGs of April 2019) from 1 April 2019; each holds until the day before the next, the
2019 one until 31 March 2020, because alliance codes changed on 1 April 2020 and the 2020 list names the new
alliances without saying which CCGs they held. Memberships are clipped to the CCG's life. The 2017 and 2018
files include National Cancer Vanguards (E57): they are kept as ``ccg:NationalCancerVanguard``, a kind of
body distinct from an alliance, and their members' memberships have the vanguard role.
"""

from __future__ import annotations

from datetime import date, timedelta

from ccg_graph.core.namespaces import CCG, cancer_alliance_iri, ccg_iri, membership_iri
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.ingest.cancer_alliances import VANGUARD_PREFIX, read_alliance_lookup, read_alliance_names
from ccg_graph.national.context import BuildContext

LOOKUPS = (
    ("ons-geography/ccg17_to_stp17_to_cal17_2017-04.csv", date(2017, 4, 1)),
    ("ons-geography/ccg18_to_stp18_to_cal18_2018-04.csv", date(2018, 4, 1)),
    ("ons-geography/ccg19_to_stp19_to_cal19_2019-07.csv", date(2019, 4, 1)),
)
NAMES_2020 = "ons-geography/cal20_names_codes_2020-04.csv"
CODES_CHANGED = date(2020, 4, 1)


def build_cancer_alliances(ctx: BuildContext) -> None:
    ctx.progress("cancer alliances: ONS 2017, 2018, 2019 lookups and 2020 names")
    newest_name: dict[str, tuple[str, str]] = {}  # code -> (file, name)
    for index, (path, start) in enumerate(LOOKUPS):
        end = (LOOKUPS[index + 1][1] if index + 1 < len(LOOKUPS) else CODES_CHANGED) - timedelta(days=1)
        out = ctx.graph(path)
        for row in read_alliance_lookup(ctx.open(path)):
            newest_name[row.alliance] = (path, row.alliance_name)
            code = row.ccg_ods if row.ccg_ods in ctx.ccgs else ctx.ccg_by_ons.get(row.ccg_ons)
            window = ctx.ccgs[code].clip(start, end) if code else None
            if code is None or window is None:
                continue
            alliance = cancer_alliance_iri(row.alliance)
            membership = membership_iri(code, "cancer-alliance", row.alliance, window[0])
            out.type(membership, ORG + "Membership")
            out.add(membership, ORG + "member", ccg_iri(code))
            out.add(membership, ORG + "organization", alliance)
            role = CCG.CancerVanguardMemberRole if row.is_vanguard else CCG.CancerAllianceMemberRole
            out.add(membership, ORG + "role", role)
            out.add(membership, ORG + "memberDuring", ctx.time.interval(*window))
    for entry in read_alliance_names(ctx.open(NAMES_2020)):
        newest_name[entry.code] = (NAMES_2020, entry.name)
    for code, (path, name) in sorted(newest_name.items()):
        out = ctx.graph(path)
        iri = cancer_alliance_iri(code)
        out.type(iri, CCG.NationalCancerVanguard if code.startswith(VANGUARD_PREFIX) else CCG.CancerAlliance)
        out.add(iri, CCG.onsCode, code)
        out.name(iri, name)
