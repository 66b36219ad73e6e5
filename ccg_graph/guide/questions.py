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
    figsize: tuple[float, float] = (9, 5)


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


# --- the merger waves, date by date (issue 19) ---------------------------------------------------------------
def merger_waves(graph: Client) -> pd.DataFrame:
    waves = graph.saved_frame("ccg-count-by-change-date")
    waves[["opened", "closed"]] = waves[["opened", "closed"]].fillna(0)
    waves["change"] = waves["ccgs"].diff().astype("Int64")
    return waves


def _plot_merger_waves(frame: pd.DataFrame, ax: Axes) -> None:
    days = [*frame["day"], pd.Timestamp("2022-12-31")]  # the last level drawn to the end of the axis
    counts = [*frame["ccgs"], frame["ccgs"].iloc[-1]]
    ax.step(days, counts, where="post", color="#005eb8", linewidth=2, label="CCGs open")
    for row in frame[frame["ccgs"] > 0].itertuples():
        ax.annotate(f"{row.ccgs}", (row.day, row.ccgs), xytext=(3, 4), textcoords="offset points", fontsize=9)
    # Each wave's closures and new CCGs as bars either side of its date, in the same unit (CCGs).
    shift, width = pd.Timedelta(days=40), pd.Timedelta(days=75)
    waves = frame.iloc[1:]
    closed = ax.bar(waves["day"] - shift, waves["closed"], width=width, color="#768692", label="CCGs closed")
    opened = ax.bar(waves["day"] + shift, waves["opened"], width=width, color="#41b6e6", label="CCGs opened")
    for bars in (closed, opened):
        ax.bar_label(bars, fontsize=7, padding=1)
    ax.set_xlim(pd.Timestamp("2013-01-01"), pd.Timestamp("2022-12-31"))
    ax.set_ylim(0, float(frame["ccgs"].max()) * 1.12)
    ax.set_ylabel("CCGs")
    ax.set_title("The merger waves: CCGs open on every date the number changed, 2013–2022")
    ax.legend(fontsize="small", loc="lower left")


def _merger_wave_notes(frame: pd.DataFrame) -> str:
    open_counts = frame[frame["ccgs"] > 0]
    path = " → ".join(str(n) for n in open_counts["ccgs"])
    biggest = open_counts.loc[open_counts["closed"].idxmax()]
    last = frame.iloc[-1]
    waves = open_counts.iloc[1:]
    april = bool(((waves["day"].dt.month == 4) & (waves["day"].dt.day == 1)).all())
    return (
        f"From the CCGs' open and close dates: {path}. The biggest wave, on {_day(biggest['day'])}, closed "
        f"{biggest['closed']} CCGs and opened {biggest['opened']}. On {_day(last['day'])} integrated care boards "
        f"took over from the last {last['closed']} CCGs, whose areas became sub-ICB locations. "
        + (
            f"All {len(waves)} merger waves took effect on 1 April, so the monthly count above shows the same steps."
            if april
            else "Not every merger took effect on 1 April: the monthly count above rounds some to the next month."
        )
    )


# --- spend per head against allocation per head (issue 18) ---------------------------------------------------
#: The 2018/19 CCGs (open on 1 April 2018) and the practice counts the graph holds nearest before that year:
#: NHSBSA prescribing list sizes of January 2016, summed over each CCG's member practices of 1 April 2018.
SPEND_YEAR, SPEND_CCGS_ON, LIST_SIZES_ON = "2018/19", "2018-04-01", "2016-01-01"
#: A CCG whose member practices' list sizes sum to more than 5% more or less on 1 April 2018 than on 1 April
#: 2016 had practices join or leave: its area is not the one a 2016-map (indicative) allocation was set for.
AREA_CHANGE = 0.05


def spend_against_allocation(graph: Client) -> pd.DataFrame:
    spend = graph.saved_frame("ccg-spend-totals", financial_year=SPEND_YEAR)
    people = graph.saved_frame(
        "ccg-practice-populations",
        as_of=SPEND_CCGS_ON,
        measure=MEASURE + "prescribing-list-size",
        measured_on=LIST_SIZES_ON,
    )
    implied = graph.saved_frame("allocations-in-year", financial_year=SPEND_YEAR)
    implied = implied[(implied["kind"] == "implied") & ~implied["restated"].astype(bool)]
    indicative = graph.saved_frame("allocations-in-year", financial_year="2019/20")
    indicative = indicative[indicative["kind"] == "indicative"]
    allocations = pd.concat(
        [
            implied.assign(allocation=f"implied {SPEND_YEAR} (Mental Health Dashboard)"),
            indicative.assign(allocation="indicative 2019/20 (published January 2016)"),
        ]
    )[["ccg", "allocation", "allocation_gbp", "per_head_gbp"]]
    # The same practices' counts summed on the 2016 map: a CCG whose sum moved is one whose practices moved.
    on_2016_map = graph.saved_frame(
        "ccg-practice-populations",
        as_of="2016-04-01",
        measure=MEASURE + "prescribing-list-size",
        measured_on=LIST_SIZES_ON,
    ).rename(columns={"people": "people_2016_map"})
    ccgs = spend.merge(people[["ccg", "people"]], on="ccg").merge(allocations, on="ccg")
    ccgs = ccgs.merge(on_2016_map[["ccg", "people_2016_map"]], on="ccg", how="left")
    moved = (ccgs["people"] / ccgs["people_2016_map"] - 1).abs().fillna(1) > AREA_CHANGE
    ccgs["area_changed_since_2016"] = moved & ccgs["allocation"].str.startswith("indicative")
    ccgs["spend_per_head"] = (ccgs["spend_gbp"] / ccgs["people"]).round(0)
    ccgs["allocation_per_head"] = (ccgs["allocation_gbp"] / ccgs["people"]).round(0)
    ccgs["spend_share_of_allocation"] = (ccgs["spend_gbp"] / ccgs["allocation_gbp"]).round(3)
    return ccgs.sort_values(["allocation", "code"], ignore_index=True)


def _spend_table(frame: pd.DataFrame) -> pd.DataFrame:
    return (
        frame[~frame["area_changed_since_2016"]]
        .groupby("allocation")
        .agg(
            ccgs=("ccg", "size"),
            median_allocation_per_head=("allocation_per_head", "median"),
            median_spend_per_head=("spend_per_head", "median"),
            median_spend_share=("spend_share_of_allocation", "median"),
            lowest_spend_share=("spend_share_of_allocation", "min"),
            highest_spend_share=("spend_share_of_allocation", "max"),
        )
        .reset_index()
    )


def _plot_spend(frame: pd.DataFrame, ax: Axes) -> None:
    styles = {"implied": ("#005eb8", "o"), "indicative": ("#da291c", "^")}
    for kind, ccgs in frame.groupby("allocation"):
        colour, marker = styles[kind.split()[0]]
        kept, moved = ccgs[~ccgs["area_changed_since_2016"]], ccgs[ccgs["area_changed_since_2016"]]
        ax.scatter(kept["allocation_per_head"], kept["spend_per_head"], s=16, color=colour, marker=marker, label=kind)
        if len(moved):
            ax.scatter(
                moved["allocation_per_head"],
                moved["spend_per_head"],
                s=30,
                facecolors="none",
                edgecolors=colour,
                marker=marker,
                label=f"{kind.split()[0]}: area changed since the 2016 map",
            )
    values = pd.concat([frame["allocation_per_head"], frame["spend_per_head"]]).astype(float)
    low, high = float(values.min()) * 0.95, float(values.max()) * 1.03
    ax.plot([low, high], [low, high], color="grey", linewidth=0.8, linestyle="--", label="spend = allocation")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect("equal")
    ax.set_xlabel("allocation per head (£; people: January 2016 list sizes of the 2018 practices)")
    ax.set_ylabel("2018/19 payments of £25k or more per head (£)")
    ax.set_title("What CCGs paid out in 2018/19 against what they were allocated, per head")
    ax.legend(fontsize="small", loc="upper left")


def _spend_notes(frame: pd.DataFrame) -> str:
    indicative = frame[frame["allocation"].str.startswith("indicative")]
    nhse_people = indicative["allocation_gbp"] / indicative["per_head_gbp"]
    drift = float((nhse_people / indicative["people"]).median()) - 1
    implied = frame[frame["allocation"].str.startswith("implied")]
    moved = frame[frame["area_changed_since_2016"]].sort_values("spend_share_of_allocation")
    moved_names = ", ".join(f"{row.name} ({row.spend_share_of_allocation:.0%})" for row in moved.itertuples())
    kept = frame[~frame["area_changed_since_2016"]]
    return "\n".join(
        [
            "What is set beside what, and what does not compare:",
            "",
            "- **Spend** is each 2018/19 CCG's total of payments of £25k or more (the 3SC collation of the CCGs' "
            "own transparency files): smaller payments are absent, so it is a lower bound of what a CCG spent.",
            "- **People** are the January 2016 NHSBSA prescribing list sizes of each CCG's member practices on "
            "1 April 2018, the graph's nearest practice counts before 2018/19 (it holds none between January 2016 "
            "and January 2021); the same count divides spend and allocation. NHS England's own population behind "
            f"its published 2019/20 per-head figure (allocation ÷ per head) is a median {drift:+.1%} off it.",
            f"- **Implied 2018/19 allocation** ({len(implied)} CCGs): the Mental Health Dashboard's mental-health "
            "outturn ÷ its share of the allocation. It mixes two vintages (the spend sheet of June 2021, the share "
            "sheet of June 2022), and the dashboard covers only the 106 CCGs of April 2021, restating history onto "
            "them: only the CCGs that already existed on 1 April 2018 are shown, the restated figures are left out.",
            f"- **Indicative 2019/20 allocation** ({len(indicative)} CCGs): published by NHS England in January "
            "2016 for the CCGs of 2016, for the year after the spend. A CCG whose member practices' list sizes sum "
            f"more than {AREA_CHANGE:.0%} differently on 1 April 2018 than on 1 April 2016 had practices join, "
            "leave or close in between: its 2018 sum covers another area than the 2016 map's allocation, or misses "
            f"the patients of closed practices: {moved_names or 'none'} (spend as a share of that allocation). "
            "They are drawn hollow and left out of the table.",
            "",
            f"{int((kept['spend_share_of_allocation'] < 1).sum())} of the {len(kept)} comparisons in the table "
            f"({kept['ccg'].nunique()} CCGs, some with both allocations) fall below the dashed line: the CCG paid "
            "out less than that allocation in payments of £25k or more.",
        ]
    )


# --- CSU market shares by region (issue 18) ------------------------------------------------------------------
def csu_market_shares_by_region(graph: Client) -> pd.DataFrame:
    return graph.saved_frame("csu-market-shares-by-region", financial_year=SPEND_YEAR)


def _short_csu(name: str) -> str:
    """The CSU's name as paid most, without "NHS" and with "CSU" for the long form: legends stay readable."""
    return name.removeprefix("NHS ").replace(" COMMISSIONING SUPPORT UNIT", " CSU")


def _csu_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.assign(csu_name=frame["csu_name"].map(_short_csu)).pivot_table(
        index="region_name", columns="csu_name", values="clients", aggfunc="sum", fill_value=0
    )
    table["CCGs paying a CSU"] = frame.groupby("region_name")["region_ccgs"].first()
    table["largest CSU's share of £"] = frame.groupby("region_name")["share"].max().round(3)
    return table.reset_index().convert_dtypes()


def _plot_csu_shares(frame: pd.DataFrame, ax: Axes) -> None:
    named = frame.assign(csu_name=frame["csu_name"].map(_short_csu))
    shares = named.pivot_table(index="region_name", columns="csu_name", values="share", aggfunc="sum", fill_value=0)
    clients = named.pivot_table(index="region_name", columns="csu_name", values="clients", aggfunc="sum", fill_value=0)
    shares, clients = shares.iloc[::-1], clients.iloc[::-1]  # the first region at the top
    (shares * 100).plot.barh(ax=ax, stacked=True, colormap="tab10", width=0.7)
    for y, region in enumerate(shares.index):
        left = 0.0
        for csu in shares.columns:
            width = float(shares.loc[region, csu]) * 100
            if width >= 6:  # label the segments wide enough to hold "34 CCGs"
                ax.text(
                    left + width / 2,
                    y,
                    f"{clients.loc[region, csu]} CCGs",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
            left += width
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the £ the region's CCGs paid to CSUs, 2018/19 (labels: client CCGs)")
    ax.set_ylabel("")
    ax.set_title("Which commissioning support units served each NHS England region, 2018/19")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.4, -0.12), ncol=2)


def _csu_notes(frame: pd.DataFrame) -> str:
    leaders = frame.sort_values("share", ascending=False).groupby("region_name").head(1)
    leading = "; ".join(
        f"{row.region_name}: {_short_csu(row.csu_name)} {row.share:.0%}"
        for row in leaders.sort_values("region_name").itertuples()
    )
    return (
        f"{frame['csu'].nunique()} CSUs were paid by {int(frame.groupby('region')['region_ccgs'].first().sum())} "
        f"CCGs in {frame['region'].nunique()} regions. A CCG counts in the region that oversaw it on 1 April 2018 "
        "(the regions of 2018/19; the seven regions came in April 2019) and may pay several CSUs, so the client "
        "counts in a row can add up to more than its CCGs. The largest "
        f"CSU's share of each region's £ paid to CSUs: {leading}. Only payments of £25k or more are in the file, "
        "so a CCG whose CSU invoices were all smaller looks as if it used no CSU."
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
        "merger-waves",
        "How did 211 CCGs become 106?",
        "The number of CCGs open on every date the number changed, from the CCGs' open and close dates and their "
        "successors: the merger waves from 211 CCGs in April 2013 to 106 in April 2021, and their end in July 2022.",
        ("ccg-count-by-change-date",),
        merger_waves,
        lambda frame: frame,
        _plot_merger_waves,
        _merger_wave_notes,
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
        figsize=(9, 9),
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
    Question(
        "spend-against-allocation",
        "Did CCGs pay out in proportion to their allocations?",
        "For each CCG of 2018/19: its payments of £25k or more in 2018/19 per head against its allocation per "
        "head, for the two allocations the graph holds that can be set beside that year.",
        ("ccg-spend-totals", "ccg-practice-populations", "allocations-in-year"),
        spend_against_allocation,
        _spend_table,
        _plot_spend,
        _spend_notes,
        figsize=(9, 7),
    ),
    Question(
        "csu-market-shares-by-region",
        "Which commissioning support units served each region?",
        "For each NHS England region in 2018/19: how many of its CCGs paid each commissioning support unit, and "
        "each CSU's share of the £ the region's CCGs paid to CSUs.",
        ("csu-market-shares-by-region",),
        csu_market_shares_by_region,
        _csu_table,
        _plot_csu_shares,
        _csu_notes,
        figsize=(9, 6),
    ),
)
