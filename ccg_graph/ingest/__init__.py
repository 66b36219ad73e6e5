"""Readers for the reference data in ``shared/reference-data/``: one module per source format.

Every reader takes a `pathlib.Path`, opens it with ``encoding="utf-8-sig"`` and ``newline=""``, and yields
frozen dataclass records in file order, each with the 1-based physical ``line`` it came from (the header is
line 1), so later stages can cite their evidence. Readers never filter or skip: a row that does not have the
documented shape raises `ccg_graph.core.errors.MalformedRow` naming the file, line and field; a missing file or
header column raises `ccg_graph.core.errors.BadInput`. Selections (CCG rows only, active English GP practices,
CCG-shaped successions) are separate helper functions.

Start from `read_manifest` and `verified_path` so that every file read is the one the manifest describes.
"""

from ccg_graph.ingest.boundaries import BoundaryFeature, read_boundaries
from ccg_graph.ingest.epcmem import MembershipSpell, read_epcmem
from ccg_graph.ingest.list_sizes import ListSize, read_list_sizes
from ccg_graph.ingest.manifest import ManifestEntry, read_manifest, sha256_of, verified_path, verify
from ccg_graph.ingest.ods import (
    AuthorityRecord,
    CcgRecord,
    OdsRecord,
    PracticeRecord,
    active_english_gp_practices,
    ccgs_only,
    open_on,
    read_eauth,
    read_eccg,
    read_epraccur,
    read_ods,
)
from ccg_graph.ingest.ons import (
    CcgLookup,
    CcgName,
    CcgPopulation,
    LsoaLink,
    OnsListEntry,
    OnsOrg,
    OnsRow,
    normalise_column,
    normalise_header,
    ons_columns,
    read_ccg_lookup,
    read_ccg_names,
    read_ccg_population,
    read_lsoa_lookup,
    read_ons_list,
    read_ons_table,
)
from ccg_graph.ingest.qof import QofPrevalence, list_size_by_ccg, read_qof_prevalence
from ccg_graph.ingest.registrations import (
    PracticeMapRow,
    PracticeRegistration,
    read_practice_map,
    read_practice_registrations,
)
from ccg_graph.ingest.successors import SuccessorRecord, ccg_form_successions, read_successors

__all__ = [
    "AuthorityRecord",
    "BoundaryFeature",
    "CcgLookup",
    "CcgName",
    "CcgPopulation",
    "CcgRecord",
    "ListSize",
    "LsoaLink",
    "ManifestEntry",
    "MembershipSpell",
    "OdsRecord",
    "OnsListEntry",
    "OnsOrg",
    "OnsRow",
    "PracticeMapRow",
    "PracticeRecord",
    "PracticeRegistration",
    "QofPrevalence",
    "SuccessorRecord",
    "active_english_gp_practices",
    "ccg_form_successions",
    "ccgs_only",
    "list_size_by_ccg",
    "normalise_column",
    "normalise_header",
    "ons_columns",
    "open_on",
    "read_boundaries",
    "read_ccg_lookup",
    "read_ccg_names",
    "read_ccg_population",
    "read_eauth",
    "read_eccg",
    "read_epcmem",
    "read_epraccur",
    "read_list_sizes",
    "read_lsoa_lookup",
    "read_manifest",
    "read_ods",
    "read_ons_list",
    "read_ons_table",
    "read_practice_map",
    "read_practice_registrations",
    "read_qof_prevalence",
    "read_successors",
    "sha256_of",
    "verified_path",
    "verify",
]
