"""The guide's worked questions. Each `answer` function is what a researcher would type: it is run to make
the guide and its source is printed in the guide, so the code shown is the code that made the numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.axes import Axes

from ccg_graph.client import Client

MEASURE = "https://w3id.org/ccg-graph/id/population-measure/"


@dataclass(frozen=True)
class Question:
    """One worked question: what is asked, which saved queries answer it, and how the answer is shown."""

    slug: str
    title: str
    asks: str
    saved_queries: tuple[str, ...]
    answer: Callable[[Client], pd.DataFrame]
    table: Callable[[pd.DataFrame], pd.DataFrame]
    plot: Callable[[pd.DataFrame, Axes], None]
    notes: Callable[[pd.DataFrame], str] = field(default=lambda frame: "")


def _day(value: pd.Timestamp) -> str:
    return f"{value.day} {value:%B %Y}"


# --- 1. open CCGs month by month -------------------------------------------------------------------------
def open_ccgs_by_month(graph: Client) -> pd.DataFrame:
    return graph.saved_frame("ccg-count-by-month")


def _april_rows(frame: pd.DataFrame) -> pd.DataFrame:
    april = frame[frame["month"].dt.month == 4].copy()
    april["change"] = april["ccgs"].diff().astype("Int64")
    return april


def _plot_open(frame: pd.DataFrame, ax: Axes) -> None:
    ax.step(frame["month"], frame["ccgs"], where="post", color="#005eb8")
    ax.set_ylabel("CCGs open on the 1st of the month")
    ax.set_ylim(0, None)
    ax.set_title("Open CCGs, April 2013 – July 2022")


def _open_notes(frame: pd.DataFrame) -> str:
    start, end = frame.iloc[0], frame[frame["ccgs"] > 0].iloc[-1]
    return (
        f"{start['ccgs']} CCGs opened on {_day(start['month'])}; {end['ccgs']} were still open on "
        f"{_day(end['month'])}, the last month before integrated care boards replaced them. The steps are the "
        "April merger waves."
    )


# --- 2. population by CCG size band -----------------------------------------------------------------------
#: (CCG configuration day, practice measure, reference date of the practice counts): the graph has practice
#: counts for April 2013, January 2016 (the latest before 2017) and January 2021 (the latest before April 2021).
SNAPSHOTS = (
    ("2013-04-01", "prescribing-list-size", "2013-04-01"),
    ("2017-04-01", "prescribing-list-size", "2016-01-01"),
    ("2021-04-01", "registered-patients", "2021-01-01"),
)
BANDS = [0, 150_000, 250_000, 400_000, 700_000, float("inf")]
BAND_LABELS = ["under 150k", "150k–250k", "250k–400k", "400k–700k", "700k and over"]


def population_by_size_band(graph: Client) -> pd.DataFrame:
    frames = []
    for as_of, measure, measured_on in SNAPSHOTS:
        ccgs = graph.saved_frame(
            "ccg-practice-populations", as_of=as_of, measure=MEASURE + measure, measured_on=measured_on
        )
        ccgs["year"] = ccgs["as_of"].dt.year
        ccgs["band"] = pd.cut(ccgs["people"].astype(float), BANDS, labels=BAND_LABELS, right=False)
        frames.append(ccgs)
    ccgs = pd.concat(frames, ignore_index=True)
    bands = ccgs.groupby(["year", "band"], observed=False).agg(ccgs=("ccg", "size"), people=("people", "sum"))
    bands["share_of_people"] = (bands["people"] / bands.groupby(level="year")["people"].transform("sum")).round(3)
    return bands.reset_index()


def _band_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.pivot(index="band", columns="year", values=["ccgs", "share_of_people"])
    table.columns = [f"{'CCGs' if what == 'ccgs' else 'share of people'} {year}" for what, year in table.columns]
    return table.reset_index().convert_dtypes()


def _plot_bands(frame: pd.DataFrame, ax: Axes) -> None:
    people = frame.pivot(index="band", columns="year", values="people").astype(float) / 1e6
    people.plot.bar(ax=ax, rot=0, color=["#41b6e6", "#005eb8", "#003087"])
    ax.set_xlabel("CCG population (practice list sizes)")
    ax.set_ylabel("people (millions)")
    ax.set_title("People served by CCGs of each size, 2013, 2017 and 2021")


def _band_notes(frame: pd.DataFrame) -> str:
    largest = frame[frame["band"] == BAND_LABELS[-1]].set_index("year")["share_of_people"]
    shares = ", ".join(f"{share:.0%} in {year}" for year, share in largest.items())
    return (
        "Each CCG's population is the sum of its member practices' list sizes (NHSBSA prescribing list sizes for "
        "2013 and 2017, the 2017 CCGs weighted by January 2016 counts, the latest the graph holds before then; "
        f"NHS Digital registered patients of January 2021 for the April 2021 CCGs). The share of people in CCGs "
        f"of 700,000 or more: {shares}."
    )


# --- 3. merger waves by region ----------------------------------------------------------------------------
def merger_waves_by_region(graph: Client) -> pd.DataFrame:
    return graph.saved_frame("merger-waves-by-region")


def _wave_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.pivot_table(
        index="effective", columns="region_name", values="closed_ccgs", aggfunc="sum", fill_value=0
    ).astype(int)
    table["all regions"] = table.sum(axis=1)
    table.index = table.index.strftime("%Y-%m-%d")
    return table.reset_index()


def _plot_waves(frame: pd.DataFrame, ax: Axes) -> None:
    table = frame.pivot_table(index="effective", columns="region_name", values="closed_ccgs", aggfunc="sum")
    table.index = table.index.strftime("%Y-%m-%d")
    table.fillna(0).plot.bar(ax=ax, stacked=True, rot=0, colormap="tab10")
    ax.set_ylim(0, float(table.fillna(0).sum(axis=1).max()) * 1.08)
    ax.set_xlabel("merger effective date")
    ax.set_ylabel("CCGs closed by merger")
    ax.set_title("Merger waves, by the NHS England region overseeing each closing CCG")
    ax.legend(fontsize="small")


def _wave_notes(frame: pd.DataFrame) -> str:
    by_date = frame.groupby("effective")["closed_ccgs"].sum()
    biggest = by_date.idxmax()
    return (
        f"{int(by_date.sum())} CCGs closed in {len(by_date)} merger waves; the largest, on {_day(biggest)}, "
        f"closed {int(by_date.max())}. Regions are those of the closing CCG on its last day."
    )


# --- 4. predecessor trees of the 42 ICBs ------------------------------------------------------------------
def icb_predecessor_trees(graph: Client) -> pd.DataFrame:
    return graph.saved_frame("icb-predecessors").sort_values(["ccgs_ever", "code"], ascending=[False, True])


def _icb_table(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["code", "name", "ccgs_replaced", "ccgs_ever", "pcts"]].head(10)


def _plot_icbs(frame: pd.DataFrame, ax: Axes) -> None:
    shown = frame.sort_values("ccgs_ever")
    ax.barh(shown["code"], shown["ccgs_ever"], color="#41b6e6", label="every CCG in its tree")
    ax.barh(shown["code"], shown["ccgs_replaced"], color="#005eb8", label="CCGs it replaced on 1 July 2022")
    ax.plot(shown["pcts"], shown["code"], "o", color="#da291c", label="PCTs of 2013 in its tree")
    ax.tick_params(axis="y", labelsize=6)
    ax.set_xlabel("organisations")
    ax.set_title("What each of the 42 ICBs grew from")
    ax.legend(fontsize="small", loc="lower right")


def _icb_notes(frame: pd.DataFrame) -> str:
    top = frame.iloc[0]
    return (
        f"{len(frame)} ICBs replaced {int(frame['ccgs_replaced'].sum())} CCGs on 1 July 2022. The largest tree, "
        f"{top['name']} ({top['code']}), holds {top['ccgs_ever']} CCGs and {top['pcts']} primary care trusts. "
        'The table shows the ten largest trees; `graph.saved("predecessor-tree", organisation=icb)` lists one.'
    )


# --- 5. coterminosity with local authorities ---------------------------------------------------------------
def coterminosity_over_time(graph: Client) -> pd.DataFrame:
    rows = []
    for year in range(2016, 2022):
        coterminous = graph.saved_frame("coterminous-ccgs", year=year)
        [counts] = graph.as_of(f"{year}-04-01").counts().itertuples()
        tiers = coterminous.groupby("tier")["ccg"].nunique()
        rows.append(
            {
                "year": year,
                "ccgs": counts.ccgs,
                "with_a_district": int(tiers.get("district", 0)),
                "with_an_upper_tier_authority": int(tiers.get("upper-tier", 0)),
            }
        )
    frame = pd.DataFrame(rows)
    frame["share_district"] = (frame["with_a_district"] / frame["ccgs"]).round(3)
    frame["share_upper_tier"] = (frame["with_an_upper_tier_authority"] / frame["ccgs"]).round(3)
    return frame


def _plot_coterminosity(frame: pd.DataFrame, ax: Axes) -> None:
    ax.plot(frame["year"], frame["share_district"] * 100, "o-", label="one local authority district")
    ax.plot(frame["year"], frame["share_upper_tier"] * 100, "s-", label="one upper-tier authority (HWB area)")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of CCGs whose area was exactly")
    ax.set_xlabel("ONS release (April)")
    ax.set_title("CCGs coterminous with local government")
    ax.legend()


def _coterminosity_notes(frame: pd.DataFrame) -> str:
    first, last = frame.iloc[0], frame.iloc[-1]
    return (
        f"In {int(first['year'])} {first['share_upper_tier']:.0%} of CCGs covered exactly one upper-tier authority; "
        f"after the mergers, in {int(last['year'])}, {last['share_upper_tier']:.0%} did. Coterminous means every 2011 "
        "LSOA of the CCG lies in the authority and every LSOA of the authority in the CCG."
    )


# --- 6. practices per CCG versus registered list size -------------------------------------------------------
def practices_versus_list_size(graph: Client) -> pd.DataFrame:
    ccgs = graph.saved_frame(
        "ccg-practice-populations",
        as_of="2021-01-01",
        measure=MEASURE + "registered-patients",
        measured_on="2021-01-01",
    )
    ccgs["patients_per_practice"] = (ccgs["people"] / ccgs["practices_counted"]).round(0).astype("Int64")
    return ccgs.sort_values("people", ascending=False)


def _practice_table(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["code", "name", "practices", "people", "patients_per_practice"]
    return pd.concat([frame[columns].head(5), frame[columns].tail(5)])


def _plot_practices(frame: pd.DataFrame, ax: Axes) -> None:
    ax.scatter(frame["practices"], frame["people"].astype(float) / 1e6, s=12, color="#005eb8")
    ax.set_xlabel("member practices on 1 January 2021")
    ax.set_ylabel("registered patients, January 2021 (millions)")
    ax.set_title("Practices per CCG against registered list size (135 CCGs)")


def _practice_notes(frame: pd.DataFrame) -> str:
    r = frame["practices"].astype(float).corr(frame["people"].astype(float))
    return (
        f"Across {len(frame)} CCGs the number of practices and the registered list size correlate with r = {r:.2f}; "
        f"the median practice had {int(frame['patients_per_practice'].median()):,} patients. The table shows the "
        "five largest and five smallest CCGs."
    )


QUESTIONS: tuple[Question, ...] = (
    Question(
        "open-ccgs-by-month",
        "How many CCGs were open, month by month?",
        "The number of CCGs open on the first day of each month from April 2013 to July 2022.",
        ("ccg-count-by-month",),
        open_ccgs_by_month,
        _april_rows,
        _plot_open,
        _open_notes,
    ),
    Question(
        "population-by-size-band",
        "How many people did small and large CCGs serve in 2013, 2017 and 2021?",
        "CCGs grouped into population bands on 1 April 2013, 2017 and 2021, and the people in each band.",
        ("ccg-practice-populations",),
        population_by_size_band,
        _band_table,
        _plot_bands,
        _band_notes,
    ),
    Question(
        "merger-waves-by-region",
        "When and where did CCGs merge?",
        "How many CCGs closed through mergers on each effective date, by NHS England region.",
        ("merger-waves-by-region",),
        merger_waves_by_region,
        _wave_table,
        _plot_waves,
        _wave_notes,
    ),
    Question(
        "icb-predecessor-trees",
        "What did each of the 42 ICBs grow from?",
        "For each integrated care board: the CCGs it replaced, every CCG that ever fed into them, and the PCTs "
        "behind those.",
        ("icb-predecessors", "predecessor-tree"),
        icb_predecessor_trees,
        _icb_table,
        _plot_icbs,
        _icb_notes,
    ),
    Question(
        "coterminosity",
        "How well did CCGs match local authorities over time?",
        "In each ONS release 2016-2021, the share of CCGs whose area was exactly one local authority district, "
        "or exactly one upper-tier authority (the area of a health and wellbeing board).",
        ("coterminous-ccgs", "commissioner-counts-on"),
        coterminosity_over_time,
        lambda frame: frame,
        _plot_coterminosity,
        _coterminosity_notes,
    ),
    Question(
        "practices-versus-list-size",
        "Did CCGs with more practices serve more patients?",
        "Member GP practices per CCG on 1 January 2021 against the CCG's registered patients (January 2021).",
        ("ccg-practice-populations",),
        practices_versus_list_size,
        _practice_table,
        _plot_practices,
        _practice_notes,
    ),
)
