"""ONS Open Geography names-and-codes lists and lookups (``ons-geography/``), plus typed views of them.

ONS column names carry the year of the geography (``CCG13CD``, ``CCG17CDH``, ``STP20NM``, ``LAD21CD``), and
the year is sometimes wrong (the 2018 ``nhsrlo18_to_nhser18`` file says ``NHSRLO17``). Other copies use
different spellings altogether: the 2022 sub-ICB lookup went through an R package (``sicbl22_code_h``), the
2013 area-team list was compiled by hand (``ons_code, hscic_code, name``) and the 2021 population file was
hand-made (``CCG Code``, ``All Ages``). `read_ons_table` therefore reads every file into `OnsRow` with the
column names normalised to one vocabulary without the year: entity prefix + ``CD`` (ONS GSS code),
``CDH``/``CDO`` (ODS code) or ``NM``/``NMW`` (name, Welsh name). ``FID``/``ObjectId`` row ids are dropped.
The year of a file is in its name and in the manifest, not in its columns.

Codes are checked on the way in: ``..CD`` must be a 9-character GSS code with the prefix of its entity
(CCG/sub-ICB E38, STP/ICB E54, ICS E59, area team / local office E39, region E40, PCT E16 or care trust E17,
SHA E18, LSOA E01, LAD E06-E09 (S12/W06/N09 in the UK list), county E10/E11/E13, region of England E12), and
``..CDH``/``..CDO`` must have the ODS code shape of its entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ccg_graph.core.errors import BadInput
from ccg_graph.ingest._common import CCG_ODS_CODE, Q_ODS_CODE, REGION_ODS_CODE, Row, Table, open_table

#: GSS prefixes allowed for each entity's ``CD`` column.
GSS_PREFIXES: Mapping[str, tuple[str, ...]] = {
    "CCG": ("E38",),
    "SICBL": ("E38",),
    "STP": ("E54",),
    "ICB": ("E54",),
    "ICS": ("E59",),
    "NHSAT": ("E39",),
    "NHSRLO": ("E39",),
    "NHSER": ("E40",),
    "NHSCR": ("E40",),
    "PCO": ("E16", "E17"),
    "SHA": ("E18",),
    "LSOA": ("E01",),
    "LAD": ("E06", "E07", "E08", "E09", "S12", "W06", "N09"),
    "CTY": ("E10", "E11", "E13"),
    "RGN": ("E12",),
}
_GSS_SHAPE = re.compile(r"([EWSNK][0-9]{2})[0-9]{6}")

#: ODS code shape for each entity's ``CDH``/``CDO`` column.
ODS_SHAPES: Mapping[str, re.Pattern[str]] = {
    "CCG": CCG_ODS_CODE,
    "SICBL": CCG_ODS_CODE,
    "STP": Q_ODS_CODE,
    "ICB": Q_ODS_CODE,
    "NHSAT": re.compile(r"Q[0-9]{2}"),
    "NHSRLO": re.compile(r"Q[0-9]{2}"),
    "SHA": re.compile(r"Q[0-9]{2}"),
    "NHSER": REGION_ODS_CODE,
    "PCO": re.compile(r"[0-9A-Z]{3}"),
}
_ANY_ODS = re.compile(r"[A-Z0-9]{3,5}")

_DROPPED = frozenset({"FID", "OBJECTID"})
_ONS_STYLE = re.compile(r"([A-Z]+?)([0-9]{2})(CD|CDH|CDO|NM|NMW)")
_R_STYLE = re.compile(r"([a-z]+)([0-9]{2})_(code|code_h|name)")
_R_ENTITIES = {"ltla": "LAD"}
_R_SUFFIXES = {"code": "CD", "code_h": "CDH", "name": "NM"}
_SPOKEN_STYLE = re.compile(r"([A-Za-z]+?)([0-9]{2})? (Code|Name)")
_AGE_BAND = re.compile(r"Age ([0-9]+)(?:-([0-9]+)|\+)")
#: Whole headers that only make sense together (the hand-compiled 2013 area-team list).
_WHOLE_HEADERS: Mapping[tuple[str, ...], tuple[str, ...]] = {
    ("ons_code", "hscic_code", "name"): ("NHSATCD", "NHSATCDH", "NHSATNM"),
}


def normalise_column(name: str) -> str | None:
    """The year-free name of one column, or None for a row id that is dropped.

    >>> normalise_column("CCG17CDH"), normalise_column("sicbl22_code_h"), normalise_column("Age 66+")
    ('CCGCDH', 'SICBLCDH', 'POP_66_PLUS')
    """
    name = name.strip()
    upper = name.upper()
    if upper in _DROPPED:
        return None
    if match := _ONS_STYLE.fullmatch(upper):
        return match.group(1) + match.group(3)
    if match := _R_STYLE.fullmatch(name):
        entity = _R_ENTITIES.get(match.group(1), match.group(1).upper())
        return entity + _R_SUFFIXES[match.group(3)]
    if match := _SPOKEN_STYLE.fullmatch(name):
        return match.group(1).upper() + ("CD" if match.group(3) == "Code" else "NM")
    if name == "All Ages":
        return "POP_ALL"
    if match := _AGE_BAND.fullmatch(name):
        low, high = match.groups()
        return f"POP_{low}_{high}" if high else f"POP_{low}_PLUS"
    return upper


def normalise_header(header: Sequence[str]) -> list[str | None]:
    """Year-free names for a whole header (see `normalise_column`)."""
    whole = _WHOLE_HEADERS.get(tuple(name.strip() for name in header))
    if whole is not None:
        return list(whole)
    return [normalise_column(name) for name in header]


def _split_key(key: str) -> tuple[str, str] | None:
    """``CCGCDH`` -> (``CCG``, ``CDH``); None for keys that are not code/name columns."""
    for suffix in ("CDH", "CDO", "CD", "NMW", "NM"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], suffix
    return None


def _check_code(row: Row, number: int, entity: str, suffix: str) -> None:
    value = row.text(number)
    if not value:
        raise row.error(number, "is empty")
    if suffix == "CD":
        match = _GSS_SHAPE.fullmatch(value)
        allowed = GSS_PREFIXES.get(entity)
        if match is None:
            raise row.error(number, f"{value!r} is not a 9-character ONS code (letter + 8 digits)")
        if allowed is not None and match.group(1) not in allowed:
            raise row.error(number, f"{value!r} is not a {entity} code (expected prefix {'/'.join(allowed)})")
    else:
        shape = ODS_SHAPES.get(entity, _ANY_ODS)
        if shape.fullmatch(value) is None:
            raise row.error(number, f"{value!r} is not a valid {entity} ODS code")


@dataclass(frozen=True, slots=True)
class OnsRow:
    """One data row of an ONS table: ``values`` maps normalised column names to the text as written."""

    line: int
    values: dict[str, str] = field(hash=False)

    def __getitem__(self, key: str) -> str:
        return self.values[key]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)


def _open_ons(path: Path, required: Iterable[str] = ()) -> Table:
    return open_table(path, required, normalise_header)


def _code_columns(table: Table) -> list[tuple[int, str, str]]:
    checks = []
    for key, number in table.positions.items():
        split = _split_key(key)
        if split is not None and split[1] in ("CD", "CDH", "CDO"):
            checks.append((number, split[0], split[1]))
    return checks


def _ons_rows(table: Table) -> Iterator[tuple[Row, OnsRow]]:
    checks = _code_columns(table)
    keys = list(table.positions.items())
    for row in table.rows():
        for number, entity, suffix in checks:
            _check_code(row, number, entity, suffix)
        yield row, OnsRow(row.line, {key: row.fields[number - 1] for key, number in keys})


def read_ons_table(path: Path, required: Iterable[str] = ()) -> Iterator[OnsRow]:
    """Every data row of an ONS names-and-codes list or lookup, with normalised column names.

    ``required`` names normalised columns that must be present (`BadInput` otherwise).
    """
    table = _open_ons(path, required)
    return (ons_row for _, ons_row in _ons_rows(table))


def ons_columns(path: Path) -> tuple[str, ...]:
    """The normalised column names of an ONS file, in file order (row ids dropped)."""
    table = _open_ons(path)
    table.close()
    return tuple(table.positions)


# --- typed views ----------


@dataclass(frozen=True, slots=True)
class OnsOrg:
    """An organisation or area as named in an ONS file: GSS code, ODS code when the file has one, name."""

    ons_code: str
    ods_code: str | None
    name: str


def _org(table: Table, row: Row, entity: str) -> OnsOrg:
    ods_number = table.get(entity + "CDH") or table.get(entity + "CDO")
    name_number = table.get(entity + "NM")
    return OnsOrg(
        ons_code=row.text(table[entity + "CD"]),
        ods_code=row.text(ods_number) if ods_number else None,
        # Two 2013 CCG names end in a blank ("NHS Wakefield "); names are stripped.
        name=row.required(name_number) if name_number else "",
    )


@dataclass(frozen=True, slots=True)
class CcgName:
    line: int
    ons_code: str
    ods_code: str | None  # None in files without a CCGyyCDH column (ccg13_to_nhsat13, ccg17_to_nhsrlo17 ...)
    name: str


def read_ccg_names(path: Path) -> Iterator[CcgName]:
    """CCG codes and names from any ``ccgYY_names_codes`` or ``ccgYY_to_*`` file (one per row)."""
    table = _open_ons(path, ("CCGCD", "CCGNM"))

    def generate() -> Iterator[CcgName]:
        for row, _ in _ons_rows(table):
            org = _org(table, row, "CCG")
            yield CcgName(row.line, org.ons_code, org.ods_code, org.name)

    return generate()


@dataclass(frozen=True, slots=True)
class OnsListEntry:
    line: int
    entity: str
    ons_code: str
    ods_code: str | None
    name: str
    welsh_name: str | None = None


def read_ons_list(path: Path, entity: str) -> Iterator[OnsListEntry]:
    """One entity's codes and names from any ONS list or lookup, e.g. ``read_ons_list(p, "STP")``.

    ``entity`` is a normalised prefix (CCG, STP, ICB, ICS, NHSAT, NHSRLO, NHSER, NHSCR, PCO, SHA, LAD, CTY,
    RGN, SICBL, LSOA). In a lookup an entity repeats on many rows; the caller de-duplicates.
    """
    entity = entity.upper()
    table = _open_ons(path, (entity + "CD",))
    welsh = table.get(entity + "NMW")

    def generate() -> Iterator[OnsListEntry]:
        for row, _ in _ons_rows(table):
            org = _org(table, row, entity)
            welsh_name = (row.stripped(welsh) or None) if welsh else None
            yield OnsListEntry(row.line, entity, org.ons_code, org.ods_code, org.name, welsh_name)

    return generate()


@dataclass(frozen=True, slots=True)
class CcgLookup:
    """A row of a ``ccgYY_to_*`` lookup: the CCG and each higher geography it sat in (keyed by entity)."""

    line: int
    ccg: OnsOrg
    parents: dict[str, OnsOrg] = field(hash=False)

    def parent(self, entity: str) -> OnsOrg:
        """The geography of `entity` (``STP``, ``NHSER``...) this row's CCG sat in; a lookup without it is bad."""
        found = self.parents.get(entity.upper())
        if found is None:
            raise BadInput(
                f"this lookup has no {entity.upper()}CD column (it has {', '.join(self.parents)})", line=self.line
            )
        return found


def read_ccg_lookup(path: Path) -> Iterator[CcgLookup]:
    """Rows of any CCG-to-X lookup (STP, NHS area team / local office / region), parents keyed by entity."""
    table = _open_ons(path, ("CCGCD", "CCGNM"))
    parent_entities = [key[:-2] for key in table.positions if key.endswith("CD") and key != "CCGCD"]
    if not parent_entities:
        table.close()
        raise BadInput("not a CCG lookup: no column besides CCG has an ONS code", path=path, line=1)

    def generate() -> Iterator[CcgLookup]:
        for row, _ in _ons_rows(table):
            parents = {entity: _org(table, row, entity) for entity in parent_entities}
            yield CcgLookup(row.line, _org(table, row, "CCG"), parents)

    return generate()


@dataclass(frozen=True, slots=True)
class LsoaLink:
    """LSOA -> CCG (or, in 2022, sub-ICB location) -> LAD, plus the ICB from July 2022."""

    line: int
    lsoa: str
    ccg_ons: str
    ccg_ods: str
    ccg_name: str
    lad_code: str
    lad_name: str
    icb_ons: str | None = None
    icb_ods: str | None = None
    icb_name: str | None = None
    lsoa_name: str = ""


def read_lsoa_lookup(path: Path) -> Iterator[LsoaLink]:
    """Rows of any ``lsoa11_to_ccgYY_to_ladYY`` or ``lsoa11_to_sicbl22_to_icb22_to_lad22`` lookup."""
    table = _open_ons(path, ("LSOACD", "LADCD", "LADNM"))
    ccg = "SICBL" if "SICBLCD" in table.positions else "CCG"
    table.require((ccg + "CD", ccg + "CDH", ccg + "NM"))
    has_icb = "ICBCD" in table.positions
    if has_icb:
        table.require(("ICBCDH", "ICBNM"))

    def generate() -> Iterator[LsoaLink]:
        for row, _ in _ons_rows(table):
            sub = _org(table, row, ccg)
            lad = _org(table, row, "LAD")
            icb = _org(table, row, "ICB") if has_icb else None
            yield LsoaLink(
                line=row.line,
                lsoa=row.text(table["LSOACD"]),
                ccg_ons=sub.ons_code,
                ccg_ods=sub.ods_code or "",
                ccg_name=sub.name,
                lad_code=lad.ons_code,
                lad_name=lad.name,
                icb_ons=icb.ons_code if icb else None,
                icb_ods=icb.ods_code if icb else None,
                icb_name=icb.name if icb else None,
                lsoa_name=row.stripped(table["LSOANM"]) if "LSOANM" in table.positions else "",
            )

    return generate()


@dataclass(frozen=True, slots=True)
class CcgPopulation:
    """A row of the hand-made 2021 CCG -> STP -> region file with mid-2020 resident population."""

    line: int
    ccg_ons: str
    ccg_name: str
    stp_ons: str
    stp_name: str
    region_ons: str
    region_name: str
    population: int
    age_bands: dict[str, int] = field(hash=False)  # e.g. {"POP_0_17": ..., "POP_66_PLUS": ...}


def read_ccg_population(path: Path) -> Iterator[CcgPopulation]:
    """``ccg21_to_stp21_to_nhser21_with_population.csv``; population counts must be integers."""
    table = _open_ons(path, ("CCGCD", "CCGNM", "STPCD", "STPNM", "NHSERCD", "NHSERNM", "POP_ALL"))
    bands = [(key, number) for key, number in table.positions.items() if key.startswith("POP_") and key != "POP_ALL"]

    def generate() -> Iterator[CcgPopulation]:
        for row, _ in _ons_rows(table):
            yield CcgPopulation(
                line=row.line,
                ccg_ons=row.text(table["CCGCD"]),
                ccg_name=row.required(table["CCGNM"]),
                stp_ons=row.text(table["STPCD"]),
                stp_name=row.required(table["STPNM"]),
                region_ons=row.text(table["NHSERCD"]),
                region_name=row.required(table["NHSERNM"]),
                population=row.count(table["POP_ALL"]),
                age_bands={key: row.count(number) for key, number in bands},
            )

    return generate()
