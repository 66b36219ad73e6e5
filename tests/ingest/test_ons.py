"""ONS names-and-codes lists and lookups: column normalisation, real facts, code-shape checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest.ods import ccgs_only, open_on
from ccg_graph.ingest.ons import (
    LsoaLink,
    normalise_column,
    ons_columns,
    read_ccg_lookup,
    read_ccg_names,
    read_ccg_population,
    read_lsoa_lookup,
    read_ons_list,
    read_ons_table,
)

from .helpers import Load, raises_at, write

ONS = "ons-geography/"


@pytest.mark.parametrize(
    ("column", "key"),
    [
        ("CCG13CD", "CCGCD"),
        ("CCG17CDH", "CCGCDH"),
        ("STP20NM", "STPNM"),
        ("NHSRLO17NM", "NHSRLONM"),
        ("NHSER19CDH", "NHSERCDH"),
        ("LSOA11CD", "LSOACD"),
        ("ICB24CDH", "ICBCDH"),
        ("PCO12CDO", "PCOCDO"),
        ("LAD20NMW", "LADNMW"),
        ("sicbl22_code", "SICBLCD"),
        ("sicbl22_code_h", "SICBLCDH"),
        ("sicbl22_name", "SICBLNM"),
        ("icb22_code", "ICBCD"),
        ("icb22_code_h", "ICBCDH"),
        ("icb22_name", "ICBNM"),
        ("ltla22_code", "LADCD"),
        ("ltla22_name", "LADNM"),
        ("lsoa11_code", "LSOACD"),
        ("lsoa11_name", "LSOANM"),
        ("CCG Code", "CCGCD"),
        ("CCG Name", "CCGNM"),
        ("STP21 Code", "STPCD"),
        ("STP21 Name", "STPNM"),
        ("NHSER21 Code", "NHSERCD"),
        ("NHSER21 Name", "NHSERNM"),
        ("All Ages", "POP_ALL"),
        ("Age 0-17", "POP_0_17"),
        ("Age 66+", "POP_66_PLUS"),
        ("FID", None),
        ("ObjectId", None),
    ],
)
def test_normalise_column(column: str, key: str | None) -> None:
    assert normalise_column(column) == key


@pytest.mark.parametrize(
    ("rel", "columns"),
    [
        ("nhsat13_ons_ods_codes_2013.csv", ("NHSATCD", "NHSATCDH", "NHSATNM")),
        ("nhsrlo18_to_nhser18_2018-04.csv", ("NHSRLOCD", "NHSRLONM", "NHSERCD", "NHSERNM")),  # 2017 names
        ("lsoa11_to_ccg21_to_lad21_2021-04.csv", ("LSOACD", "LSOANM", "CCGCD", "CCGCDH", "CCGNM", "LADCD", "LADNM")),
        (
            "ccg21_to_stp21_to_nhser21_with_population.csv",
            (
                *("CCGCD", "CCGNM", "STPCD", "STPNM", "NHSERCD", "NHSERNM", "POP_ALL"),
                *("POP_0_17", "POP_18_35", "POP_36_50", "POP_51_65", "POP_66_PLUS"),
            ),
        ),
        ("icb24_names_codes_2024.csv", ("ICBCD", "ICBCDH", "ICBNM")),
    ],
)
def test_normalised_headers_of_real_files(reference_dir: Path, rel: str, columns: tuple[str, ...]) -> None:
    """Includes the two BOM files: their first column comes out clean (FID dropped / CCGCD)."""
    assert ons_columns(reference_dir / ONS / rel) == columns


def test_ccg13_names(load: Load) -> None:
    names = load(ONS + "ccg13_names_codes_2013-04.csv")
    assert len(names) == 211
    by_code = {n.ons_code: n for n in names}
    assert by_code["E38000202"].ods_code == "08Y"
    assert by_code["E38000202"].name == "NHS West London (Kensington and Chelsea, Queen\u2019s Park and Paddington)"
    assert by_code["E38000202"].line == 203
    assert all(n.name == n.name.strip() for n in names)  # 2 names end in a blank in the file


@pytest.mark.parametrize(
    ("rel", "year", "has_ods"),
    [
        ("ccg13_names_codes_2013-04.csv", 2013, True),
        ("ccg13_to_nhsat13_to_nhscr13_2013-04.csv", 2013, False),
        ("lsoa11_to_ccg16_to_lad16_2016-04.csv", 2016, True),
        ("ccg17_names_codes_2017-04.csv", 2017, True),
        ("ccg17_to_stp17_2017-04.csv", 2017, True),
        ("ccg17_to_nhsrlo17_to_nhser17_2017-04.csv", 2017, False),
        ("ccg18_to_stp18_2018-04.csv", 2018, True),
        ("ccg18_to_nhsrlo18_to_nhser18_2018-04.csv", 2018, True),
        ("ccg19_names_codes_2019-04.csv", 2019, True),
        ("ccg19_to_stp19_2019-04.csv", 2019, True),
        ("ccg20_names_codes_2020-04.csv", 2020, True),
        ("ccg20_to_stp20_2020-04.csv", 2020, True),
        ("ccg21_names_codes_2021-04.csv", 2021, True),
        ("ccg21_to_stp21_to_nhser21_with_population.csv", 2021, False),
    ],
)
def test_ons_ccgs_match_ods_open_ccgs(reference_dir: Path, load: Load, rel: str, year: int, has_ods: bool) -> None:
    names = list(read_ccg_names(reference_dir / ONS / rel))
    open_ccgs = {c.code for c in open_on(ccgs_only(load("ods-ccg/eccg_2024-25.csv")), date(year, 4, 1))}
    assert len({n.ons_code for n in names}) == len(open_ccgs)
    if has_ods:
        assert {n.ods_code for n in names} == open_ccgs
    else:
        assert all(n.ods_code is None for n in names)


def test_ccg_lookups(reference_dir: Path) -> None:
    rows = list(read_ccg_lookup(reference_dir / ONS / "ccg18_to_nhsrlo18_to_nhser18_2018-04.csv"))
    assert len(rows) == 195
    assert set(rows[0].parents) == {"NHSRLO", "NHSER"}
    ealing = next(r for r in rows if r.ccg.ods_code == "07W")
    assert ealing.parent("nhsrlo") is not None and ealing.parents["NHSRLO"].ods_code == "Q71"
    assert ealing.parents["NHSER"].ods_code == "Y56" and ealing.parents["NHSER"].name == "London"
    rows13 = list(read_ccg_lookup(reference_dir / ONS / "ccg13_to_nhsat13_to_nhscr13_2013-04.csv"))
    assert len({r.parents["NHSAT"].ons_code for r in rows13}) == 25
    assert len({r.parents["NHSCR"].ons_code for r in rows13}) == 4
    stp20 = list(read_ccg_lookup(reference_dir / ONS / "ccg20_to_stp20_2020-04.csv"))
    assert len({r.parents["STP"].ods_code for r in stp20}) == 42


def test_lists(reference_dir: Path) -> None:
    regions = list(read_ons_list(reference_dir / ONS / "nhser19_names_codes_2019-04.csv", "NHSER"))
    assert sorted(r.ods_code or "" for r in regions) == ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]
    assert len(list(read_ons_list(reference_dir / ONS / "stp20_names_codes_2020-04.csv", "STP"))) == 42
    icbs = list(read_ons_list(reference_dir / ONS / "icb24_names_codes_2024.csv", "ICB"))
    assert {i.ods_code: i.ons_code for i in icbs}["QXU"] == "E54000063"  # README caveat 3
    pcts = list(read_ons_list(reference_dir / ONS / "pco12_names_codes_2012.csv", "pco"))
    assert len(pcts) == 151
    assert sum(1 for p in pcts if p.ons_code.startswith("E17")) == 5  # care trusts have E17, not E16
    areas = list(read_ons_list(reference_dir / ONS / "nhsat13_ons_ods_codes_2013.csv", "NHSAT"))
    assert (areas[0].ons_code, areas[0].ods_code, areas[0].line) == ("E39000001", "Q44", 2)
    lads = list(read_ons_list(reference_dir / ONS / "lad20_names_codes_uk_2020-04.csv", "LAD"))
    assert len(lads) == 379 and sum(1 for lad in lads if lad.ons_code.startswith("E")) == 314
    assert sum(1 for lad in lads if lad.welsh_name) == 22


def test_nhsrlo18_file_has_2018_content_under_2017_names(reference_dir: Path) -> None:
    rows = list(read_ons_table(reference_dir / ONS / "nhsrlo18_to_nhser18_2018-04.csv", ("NHSRLOCD", "NHSERCD")))
    assert len(rows) == 14
    assert {"E40000005", "E40000006"} <= {r["NHSERCD"] for r in rows}


LSOA_FILES = [
    ("lsoa11_to_ccg16_to_lad16_2016-04.csv", 209),
    ("lsoa11_to_ccg17_to_lad17_2017-04.csv", 207),
    ("lsoa11_to_ccg18_to_lad18_2018-04.csv", 195),
    ("lsoa11_to_ccg19_to_lad19_2019-04.csv", 191),
    ("lsoa11_to_ccg20_to_lad20_2020-04.csv", 135),
    ("lsoa11_to_ccg21_to_lad21_2021-04.csv", 106),
    ("lsoa11_to_sicbl22_to_icb22_to_lad22_2022-07.csv", 106),
]


@pytest.mark.parametrize(("rel", "ccgs"), LSOA_FILES)
def test_lsoa_lookups(load: Load, rel: str, ccgs: int) -> None:
    links: list[LsoaLink] = load(ONS + rel)
    assert len(links) == len({link.lsoa for link in links}) == 32844
    assert links[0].line == 2 and links[-1].line == 32845
    assert len({link.ccg_ods for link in links}) == len({link.ccg_ons for link in links}) == ccgs
    assert all(link.lsoa_name for link in links)


def test_lsoa_2022_sub_icb_changes(load: Load) -> None:
    before = {link.lsoa: link for link in load(ONS + "lsoa11_to_ccg21_to_lad21_2021-04.csv")}
    after: list[LsoaLink] = load(ONS + "lsoa11_to_sicbl22_to_icb22_to_lad22_2022-07.csv")
    assert len({link.icb_ods for link in after}) == 42
    assert len({link.lad_code for link in after}) == len({link.lad_code for link in before.values()}) == 309
    assert before[after[0].lsoa].icb_ods is None
    moved = [link for link in after if before[link.lsoa].ccg_ods != link.ccg_ods]
    assert len(moved) == 122
    renamed = {(link.ccg_ods, link.ccg_ons) for link in after} - {(b.ccg_ods, b.ccg_ons) for b in before.values()}
    assert renamed == {
        ("15E", "E38000258"),
        ("D2P2L", "E38000259"),
        ("06H", "E38000260"),
        ("15M", "E38000261"),
        ("78H", "E38000262"),
        ("01Y", "E38000263"),
    }


def test_population(reference_dir: Path) -> None:
    rows = list(read_ccg_population(reference_dir / ONS / "ccg21_to_stp21_to_nhser21_with_population.csv"))
    assert len(rows) == 106
    assert sum(r.population for r in rows) == 56550138
    assert all(sum(r.age_bands.values()) == r.population for r in rows)
    assert rows[0].ccg_name == "NHS North West London CCG" and rows[0].line == 2


def test_lad20_welsh_name_mojibake(reference_dir: Path) -> None:
    """Data quirk kept as published: one Welsh name was double-encoded before it reached the mirror."""
    rows = list(read_ons_table(reference_dir / ONS / "lad20_names_codes_uk_2020-04.csv"))
    assert {r["LADCD"]: r["LADNMW"] for r in rows}["W06000001"] == "Ynys M\u00c3\u00b4n"


# --- malformed samples ----------

CCG17 = "CCG17CD,CCG17CDH,CCG17NM,STP17CD,STP17NM,FID\n"
GOOD = "E38000001,02N,NHS Airedale CCG,E54000005,West Yorkshire,1\n"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("E3800001,02N,X,E54000005,Y,2", "field 1 (CCG17CD) 'E3800001' is not a 9-character ONS code"),
        ("E54000001,02N,X,E54000005,Y,2", "field 1 (CCG17CD) 'E54000001' is not a CCG code (expected prefix E38)"),
        ("E38000001,2N,X,E54000005,Y,2", "field 2 (CCG17CDH) '2N' is not a valid CCG ODS code"),
        ("E38000001,02N,X,E38000005,Y,2", "field 4 (STP17CD) 'E38000005' is not a STP code (expected prefix E54)"),
        ("E38000001,02N,X,,Y,2", "field 4 (STP17CD) is empty"),
        ("E38000001,02N,X,E54000005,Y", "expected 6 fields (as in the header), found 5"),
    ],
)
def test_malformed_ons_rows(tmp_path: Path, row: str, problem: str) -> None:
    path = write(tmp_path, "ccg17_to_stp17.csv", CCG17 + GOOD + row + "\n")
    raises_at(MalformedRow, lambda: read_ons_table(path), path=path, line=3, contains=problem)
    raises_at(MalformedRow, lambda: read_ccg_lookup(path), path=path, line=3, contains=problem)


def test_empty_ccg_name(tmp_path: Path) -> None:
    path = write(tmp_path, "ccg17_to_stp17.csv", CCG17 + GOOD + "E38000002,09C, ,E54000005,Y,2\n")
    raises_at(MalformedRow, lambda: read_ccg_names(path), path=path, line=3, contains="field 3 (CCG17NM) is empty")


def test_population_count_not_integer(tmp_path: Path) -> None:
    header = "\ufeffCCG Code,CCG Name,STP21 Code,STP21 Name,NHSER21 Code,NHSER21 Name,All Ages,Age 0-17\r\n"
    row = "E38000256,NHS North West London CCG,E54000027,NWL,E40000003,London,2111469,47739.4\r\n"
    path = write(tmp_path, "pop.csv", header + row)
    raises_at(
        MalformedRow,
        lambda: read_ccg_population(path),
        path=path,
        line=2,
        contains="field 8 (Age 0-17) '47739.4' is not a non-negative integer",
    )


def test_lsoa_lookup_missing_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "lsoa.csv", "LSOA11CD,LSOA11NM,CCG16CD,CCG16CDH,CCG16NM,LAD16CD\n")
    raises_at(BadInput, lambda: read_lsoa_lookup(path), path=path, line=1, contains="column(s): LADNM (found:")
    path = write(tmp_path, "lsoa2.csv", "lsoa11_code,sicbl22_code,sicbl22_name,ltla22_code,ltla22_name\n")
    raises_at(BadInput, lambda: read_lsoa_lookup(path), path=path, line=1, contains="column(s): SICBLCDH")


def test_columns_that_collide_after_dropping_the_year(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "CCG17CD,CCG18CD\nE38000001,E38000001\n")
    raises_at(BadInput, lambda: read_ons_table(path), path=path, line=1, contains="'CCG17CD' and 'CCG18CD'")


def test_not_a_ccg_lookup(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "CCG17CD,CCG17NM\nE38000001,NHS X\n")
    raises_at(BadInput, lambda: read_ccg_lookup(path), path=path, line=1, contains="not a CCG lookup")
