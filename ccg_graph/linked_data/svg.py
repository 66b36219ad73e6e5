"""Server-side SVG pictures: a lineage diagram, a timeline of one organisation, the national CCG count.

Plain SVG 1.1 with ``<title>``/``<desc>`` for screen readers and ``<a>`` links, drawn to a ``viewBox`` so it
scales to a phone's width. No script, no external fonts or styles.
"""

from __future__ import annotations

from datetime import date
from html import escape

from ccg_graph.linked_data.figures import Lineage, Timeline

BOX_W, BOX_H, COL_GAP, ROW_GAP, MARGIN, HEADER = 210, 46, 70, 12, 16, 28
_KIND_FILL = {
    "PrimaryCareTrust": "#e8eef7",
    "ClinicalCommissioningGroup": "#e6f4ea",
    "IntegratedCareBoard": "#fdf0d5",
    "SubICBLocation": "#f3e8f7",
}
_KIND_NAME = {
    "PrimaryCareTrust": "Primary care trusts",
    "ClinicalCommissioningGroup": "Clinical commissioning groups",
    "IntegratedCareBoard": "Integrated care board",
}


def _x(text: object) -> str:
    return escape(str(text), quote=True)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _years(opened: date | None, closed: date | None) -> str:
    if opened is None:
        return f"to {closed.isoformat()}" if closed else ""
    return f"{opened.isoformat()} – {closed.isoformat() if closed else ''}".strip()


def _layers(lineage: Lineage) -> dict[str, int]:
    """Longest path from a root (primary care trusts first, CCGs after them even without a recorded PCT);
    integrated care boards all go in the last column."""
    preds: dict[str, list[str]] = {n: [] for n in lineage.nodes}
    for a, b in lineage.edges:
        if a in preds and b in preds:
            preds[b].append(a)
    layer: dict[str, int] = {}
    has_pcts = any(n.kind == "PrimaryCareTrust" for n in lineage.nodes.values())

    def depth(node: str, seen: frozenset[str]) -> int:
        if node in layer:
            return layer[node]
        parents = [p for p in preds[node] if p not in seen]
        floor = 1 if has_pcts and lineage.nodes[node].kind != "PrimaryCareTrust" else 0
        value = max(floor, 0 if not parents else 1 + max(depth(p, seen | {node}) for p in parents))
        layer[node] = value
        return value

    for node in lineage.nodes:
        depth(node, frozenset())
    last = max(layer.values(), default=0)
    for node, item in lineage.nodes.items():
        if item.kind == "IntegratedCareBoard":
            layer[node] = max(last, 1)
    return layer


def lineage_svg(lineage: Lineage, title: str) -> str:
    """Columns from the oldest bodies (left) to the newest (right), an arrow for each succession."""
    if not lineage.nodes:
        return ""
    layer = _layers(lineage)
    columns = max(layer.values()) + 1
    succ: dict[str, list[str]] = {n: [] for n in lineage.nodes}
    for a, b in lineage.edges:
        if a in succ and b in succ:
            succ[a].append(b)
    order: dict[str, float] = {}
    by_column: list[list[str]] = [[] for _ in range(columns)]
    for node in lineage.nodes:
        by_column[layer[node]].append(node)
    for column in range(columns - 1, -1, -1):

        def key(node: str) -> tuple[float, str]:
            targets = [order[t] for t in succ[node] if t in order]
            return (sum(targets) / len(targets) if targets else 1e9, lineage.nodes[node].link.label)

        by_column[column].sort(key=key)
        for index, node in enumerate(by_column[column]):
            order[node] = index
    rows = max(len(c) for c in by_column)
    width = MARGIN * 2 + columns * BOX_W + (columns - 1) * COL_GAP
    height = MARGIN * 2 + HEADER + rows * (BOX_H + ROW_GAP)
    position: dict[str, tuple[int, int]] = {}
    for column, nodes in enumerate(by_column):
        offset = (rows - len(nodes)) * (BOX_H + ROW_GAP) // 2
        for index, node in enumerate(nodes):
            position[node] = (
                MARGIN + column * (BOX_W + COL_GAP),
                MARGIN + HEADER + offset + index * (BOX_H + ROW_GAP),
            )
    current = [n for n in lineage.nodes.values() if n.current]
    desc = (
        f"{len(lineage.nodes)} organisations in {columns} columns from the oldest (left) to the newest (right); "
        f"an arrow goes from each organisation to the one that took over its functions."
    )
    if current:
        desc += f" {current[0].link.label} is highlighted."
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'role="img" aria-labelledby="lineage-title lineage-desc" class="figure lineage" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="lineage-title">{_x(title)}</title>',
        f'<desc id="lineage-desc">{_x(desc)}</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
    ]
    for column, nodes in enumerate(by_column):
        kinds = {lineage.nodes[n].kind for n in nodes}
        heading = _KIND_NAME.get(kinds.pop(), "Organisations") if len(kinds) == 1 else "Organisations"
        if heading == "Clinical commissioning groups" and column > 1:
            heading = "CCGs after mergers"
        x = MARGIN + column * (BOX_W + COL_GAP)
        out.append(f'<text x="{x}" y="{MARGIN + 12}" font-weight="bold" fill="#333">{_x(heading)}</text>')
    for a, b in lineage.edges:
        if a not in position or b not in position:
            continue
        (ax, ay), (bx, by) = position[a], position[b]
        x1, y1, x2, y2 = ax + BOX_W, ay + BOX_H / 2, bx, by + BOX_H / 2
        mid = (x1 + x2) / 2
        out.append(
            f'<path d="M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2 - 2} {y2}" fill="none" stroke="#777" '
            f'stroke-width="1.3" marker-end="url(#arrow)"/>'
        )
    for node_iri, (x, y) in position.items():
        node = lineage.nodes[node_iri]
        fill = _KIND_FILL.get(node.kind, "#eeeeee")
        stroke, stroke_width = ("#b3261e", 3) if node.current else ("#555", 1)
        label = node.link.label
        out.append(f'<a href="{_x(node.link.url)}"><title>{_x(label)} ({_x(node.code)})</title>')
        out.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{stroke_width}"/>'
        )
        out.append(f'<text x="{x + 8}" y="{y + 18}" fill="#0b3d91">{_x(_clip(label, 31))}</text>')
        out.append(
            f'<text x="{x + 8}" y="{y + 36}" fill="#333" font-size="11">'
            f"{_x(node.code)} · {_x(_years(node.opened, node.closed))}</text>"
        )
        out.append("</a>")
    out.append("</svg>")
    return "\n".join(out)


# --- time axis ------------------------------------------------------------------------------------------------
AXIS_START, AXIS_END = date(2012, 10, 1), date(2023, 1, 1)


def _scale(day: date, left: float, right: float, start: date = AXIS_START, end: date = AXIS_END) -> float:
    span = (end - start).days
    return left + (right - left) * max(0, min(span, (day - start).days)) / span


def timeline_svg(timeline: Timeline, title: str) -> str:
    """One row per kind of spell (open, overseen by ...), a bar per spell, and a tick per event."""
    width, left, right, row_h = 960, 150, 940, 30
    rows: list[str] = []
    for spell in timeline.spells:
        if spell.row not in rows:
            rows.append(spell.row)
    events_y = MARGIN + 14
    top = events_y + 26
    height = top + len(rows) * row_h + 40
    desc = "; ".join(f"{s.row}: {s.label} from {s.start or 'unknown'} to {s.end or 'unknown'}" for s in timeline.spells)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-labelledby="timeline-title timeline-desc" class="figure timeline" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="timeline-title">{_x(title)}</title>',
        f'<desc id="timeline-desc">{_x(desc)}</desc>',
        f'<text x="{MARGIN}" y="{events_y + 4}" fill="#333">Changes</text>',
    ]
    for event in timeline.events:
        x = _scale(event.day, left, right)
        out.append(
            f"<g><title>{_x(event.day.isoformat())}: {_x(event.label)}</title>"
            f'<circle cx="{x:.1f}" cy="{events_y}" r="5" fill="#b3261e"/></g>'
        )
    palette = ["#4c78a8", "#72b7b2", "#f58518", "#54a24b", "#e45756", "#b279a2", "#9d755d"]
    colour_of: dict[str, str] = {}
    for index, row in enumerate(rows):
        y = top + index * row_h
        out.append(f'<text x="{MARGIN}" y="{y + 18}" fill="#333">{_x(_clip(row, 20))}</text>')
        for spell in (s for s in timeline.spells if s.row == row):
            x1 = _scale(spell.start or AXIS_START, left, right)
            x2 = _scale(spell.end or AXIS_END, left, right)
            colour = colour_of.setdefault(spell.label, palette[len(colour_of) % len(palette)])
            out.append(
                f"<g><title>{_x(spell.label)}: {_x(spell.start or '?')} to {_x(spell.end or '?')}</title>"
                f'<rect x="{x1:.1f}" y="{y + 4}" width="{max(2.0, x2 - x1):.1f}" height="{row_h - 8}" '
                f'fill="{colour}" rx="3"/>'
            )
            if x2 - x1 > 60:
                out.append(
                    f'<text x="{x1 + 4:.1f}" y="{y + 19}" fill="#fff" font-size="11">'
                    f"{_x(_clip(spell.label, int((x2 - x1) / 6.5)))}</text>"
                )
            out.append("</g>")
    axis_y = top + len(rows) * row_h + 6
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#333"/>')
    for year in range(2013, 2023):
        x = _scale(date(year, 1, 1), left, right)
        out.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 5}" stroke="#333"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 18}" text-anchor="middle" fill="#333">{year}</text>')
    out.append("</svg>")
    return "\n".join(out)


def national_chart_svg(points: list[tuple[date, int]]) -> str:
    """A bar per month: how many CCGs were open on its first day."""
    if not points:
        return ""
    width, height, left, right, top, bottom = 960, 320, 56, 944, 20, 280
    start = points[0][0]
    highest = max(250, max(count for _, count in points))
    bar = (right - left) / len(points)
    peak = max(points, key=lambda p: p[1])
    desc = (
        f"Bar chart of the number of CCGs open on the first day of each month from {start:%B %Y} to "
        f"{points[-1][0]:%B %Y}: {points[0][1]} at the start, at most {peak[1]} ({peak[0]:%B %Y}), "
        f"{points[-1][1]} at the end."
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-labelledby="national-title national-desc" class="figure national" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        '<title id="national-title">Number of CCGs open, month by month, 2013–2022</title>',
        f'<desc id="national-desc">{_x(desc)}</desc>',
    ]
    for tick in range(0, highest + 1, 50):
        y = bottom - (bottom - top) * tick / highest
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{tick}</text>')
    for index, (month, count) in enumerate(points):
        x = left + index * bar
        h = (bottom - top) * count / highest
        out.append(
            f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{max(1.0, bar - 1):.1f}" height="{h:.1f}" '
            f'fill="#4c78a8"><title>{month:%B %Y}: {count} CCGs</title></rect>'
        )
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>')
    for index, (month, _) in enumerate(points):
        if month.month == 4:
            x = left + index * bar
            out.append(f'<text x="{x:.1f}" y="{bottom + 16}" fill="#333">Apr {month.year}</text>')
    out.append(f'<text x="{left}" y="{height - 4}" fill="#333">Month (first day)</text>')
    out.append("</svg>")
    return "\n".join(out)
