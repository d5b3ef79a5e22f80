"""Geometry of the pictures of a role page, drawn as inline SVG by the templates (which escape every
text): the ranked skills, the career picture and the salary ranges. No script and no asset from elsewhere.

The functions take rows of plain Python values and a ``words`` function (the interface's words in the
page's language, ``server.i18n.text``), and return positions and texts only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

#: Order of the career relations in the picture, from climbing to working alongside.
RELATION_ORDER = ("progression", "management track", "specialisation", "related", "collaborator")
#: Relations that read the same both ways: drawn once per role, on whichever side has room.
SYMMETRIC = ("related", "collaborator")

ROW = 36
WIDTH = 960


@dataclass
class Bars:
    """A ranked horizontal bar chart (top skills by number of sources)."""

    width: int
    height: int
    bars: list[dict]
    top: int


def ranked(rows: list[dict], limit: int = 10, width: int = 470) -> Bars | None:
    """The ``limit`` first ``rows`` (each with ``name`` and ``support``, already ranked) as bars whose
    length is the support, the name on the left."""
    rows = rows[:limit]
    if not rows:
        return None
    top = max(int(r["support"]) for r in rows)
    left, right, step = 200, 30, 24
    plot = width - left - right
    bars = [{**row, "y": 4 + i * step, "w": max(plot * int(row["support"]) / top, 2), "x": left,
             "tx": left + max(plot * int(row["support"]) / top, 2) + 5, "short": _shorten(row["name"], 28)}
            for i, row in enumerate(rows)]
    return Bars(width, 8 + len(bars) * step, bars, top)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


@dataclass
class Career:
    width: int
    height: int
    role: dict
    nodes: list[dict] = field(default_factory=list)


def career(label: str, rows: list[dict], words: Callable[..., str]) -> Career | None:
    """The role in the middle, the roles that lead to it on the left and the roles it leads to on the
    right, one node per other role and side, one edge per node (styled by its first relation) with the
    relations and how many documents state them. ``rows`` are role-career solutions as {direction,
    relation, other, name, support} of plain Python values; a symmetric relation stated both ways is
    drawn once."""
    if not rows:
        return None
    order = {r: i for i, r in enumerate(RELATION_ORDER)}
    rows = sorted(rows, key=lambda r: (order.get(r["relation"], len(order)), -int(r["support"]), r["name"]))
    sides: dict[str, dict[str, dict]] = {"incoming": {}, "outgoing": {}}
    symmetric: dict[str, dict] = {}
    for row in rows:
        if row["relation"] in SYMMETRIC:
            node = symmetric.setdefault(row["other"], {**row, "relations": []})
        else:
            node = sides[row["direction"]].setdefault(row["other"], {**row, "relations": []})
        if row["relation"] not in [r for r, _ in node["relations"]]:
            node["relations"].append((row["relation"], int(row["support"])))
    for node in symmetric.values():  # balance the columns
        side = "incoming" if len(sides["incoming"]) < len(sides["outgoing"]) else "outgoing"
        sides[side].setdefault(node["other"], node)
    height = max(max(len(sides["incoming"]), len(sides["outgoing"])) * ROW + 16, 80)
    middle = height / 2
    box_w, side_w = 200, 230
    role = {"x": (WIDTH - box_w) / 2, "y": middle - 20, "w": box_w, "h": 40, "label": _shorten(label, 26)}
    nodes = []
    for side, x in (("incoming", 10), ("outgoing", WIDTH - 10 - side_w)):
        for index, node in enumerate(sides[side].values()):
            y = 8 + index * ROW
            cy = y + (ROW - 8) / 2
            if side == "incoming":
                start, end = (x + side_w, cy), (role["x"], middle)
                label_x, anchor = x + side_w + 6, "start"
            else:
                start, end = (role["x"] + box_w, middle), (x, cy)
                label_x, anchor = x - 6, "end"
            nodes.append({**node, "side": side, "x": x, "y": y, "w": side_w, "h": ROW - 8, "cy": cy,
                          "kind": node["relations"][0][0].replace(" ", "-"), "short": _shorten(node["name"], 30),
                          "path": f"M{start[0]},{start[1]} C{start[0] + 60},{start[1]} {end[0] - 60},{end[1]} "
                                  f"{end[0]},{end[1]}",
                          "label_x": label_x, "label_y": cy - 4, "anchor": anchor,
                          "edge_text": ", ".join(f"{words('rel.' + r) if r in RELATION_ORDER else r} · {n}"
                                                 for r, n in node["relations"])})
    return Career(WIDTH, int(height), role, nodes)


#: A period's factor to a yearly figure, and the axis its figures go on; day and hour rates are not
#: made yearly (how many days a year is not stated), each gets its own axis.
PERIODS = {"year": ("yearly", 1), "month": ("yearly", 12), "day": ("daily", 1), "hour": ("hourly", 1)}
AXES = ("yearly", "daily", "hourly")
#: The order of the bases in a summary.
BASIS_ORDER = {"gross": 0, "net": 1, "unknown": 2}


@dataclass
class SalaryChart:
    currency: str
    title: str
    width: int
    height: int
    panels: list[dict]
    summary: str


def salaries(rows: list[dict], words: Callable[..., str]) -> list[SalaryChart]:
    """One chart per currency; in it one panel per axis (yearly, day rate, hourly), each on one scale
    from zero. Monthly figures count twelve months; gross and net are kept apart (marked, never
    converted), and no currency is converted into another. A bound alone ("up to", "from") draws an
    open bar. Every bar has a caption: the stated figure, its period and basis, and the level."""
    by_currency: dict[str, list[dict]] = {}
    for row in rows:
        if row.get("min") is None and row.get("max") is None:
            continue
        by_currency.setdefault(row["currency"], []).append(row)
    charts = []
    left, right = 210, 30
    plot = WIDTH - left - right
    for currency, items in sorted(by_currency.items()):
        panels, y = [], 0
        for axis in AXES:
            figures = [_figure(row, words) for row in items if PERIODS.get(row["period"], ("other",))[0] == axis]
            if not figures:
                continue
            top = _nice_ceiling(max(f["high"] or f["low"] for f in figures) * (1.1 if any(f["high"] is None for f in figures) else 1))
            scale = plot / top
            y += 22  # the panel's heading
            heading_y = y - 6
            bars = []
            for figure in sorted(figures, key=lambda f: (f["low"] if f["low"] is not None else 0, f["high"] or top)):
                low = figure["low"] if figure["low"] is not None else 0
                high = figure["high"] if figure["high"] is not None else top
                bars.append({**figure, "x": left + low * scale, "y": y, "w": max((high - low) * scale, 3), "h": 14,
                             "label_y": y + 11, "caption_y": y + 28, "open": figure["low"] is None or figure["high"] is None})
                y += 40
            ticks = [{"x": left + i * plot / 5, "label": amount(top * i / 5)} for i in range(6)]
            panels.append({"axis": axis, "heading": f"{words('salary.' + axis)} ({currency})", "heading_y": heading_y,
                           "top": heading_y + 10, "bottom": y, "ticks": ticks, "tick_y": y + 14, "bars": bars})
            y += 26
        summary = _summary(panels, currency, words)
        charts.append(SalaryChart(currency, f"{words('role.salaries')} ({currency})", WIDTH, int(y) + 4, panels, summary))
    return charts


def _figure(row: dict, words: Callable[..., str]) -> dict:
    """A stated range normalised to its axis, with its caption."""
    axis, factor = PERIODS.get(row["period"], ("other", 1))
    low = float(Decimal(str(row["min"]))) * factor if row.get("min") is not None else None
    high = float(Decimal(str(row["max"]))) * factor if row.get("max") is not None else None
    stated = _range(row.get("min"), row.get("max"), words)
    basis = words(f"salary.{row['basis']}") if row["basis"] in ("gross", "net", "unknown") else row["basis"]
    per = words(f"salary.per.{row['period']}") if row["period"] in PERIODS else row["period"]
    caption = f"{words('salary.stated')} {stated} {row['currency']} {per}"
    if row["period"] == "month":
        caption += f" {words('salary.months')}"
    level = row.get("seniority") or words("salary.any_level")
    employment = words(f"salary.{row['employment']}") if row["employment"] in ("salaried", "freelance") else row["employment"]
    return {"low": low, "high": high, "basis": row["basis"], "label": f"{level} · {employment}",
            "text": f"{_range(low, high, words)} {row['currency']}", "caption": f"{caption}, {basis}",
            "file": row.get("file", ""), "quote": row.get("quote", "")}


def _range(low, high, words: Callable[..., str]) -> str:
    if low is None:
        return f"{words('salary.up_to')} {amount(high)}"
    if high is None:
        return f"{words('salary.from')} {amount(low)}"
    return f"{amount(low)} – {amount(high)}"


def _summary(panels: list[dict], currency: str, words: Callable[..., str]) -> str:
    """The range of each axis and basis in one line: what the first screen shows. Gross, net and figures
    whose basis is not stated are never pooled into one range."""
    parts = []
    for panel in panels:
        per = {"yearly": "year", "daily": "day", "hourly": "hour"}[panel["axis"]]
        bases = sorted({b["basis"] for b in panel["bars"]}, key=lambda basis: BASIS_ORDER.get(basis, len(BASIS_ORDER)))
        for basis in bases:
            bars = [b for b in panel["bars"] if b["basis"] == basis]
            lows = [b["low"] for b in bars if b["low"] is not None]
            highs = [b["high"] for b in bars if b["high"] is not None]
            low, high = (min(lows) if lows else None), (max(highs) if highs else None)
            named = words(f"salary.{basis}") if basis in BASIS_ORDER else basis
            parts.append(f"{_range(low, high, words)} {currency} {words('salary.per.' + per)}, {named}")
    return " · ".join(parts)


def _nice_ceiling(value: float) -> float:
    """The next round number above ``value`` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def amount(value) -> str:
    number = float(value)
    text = f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"
    return text.replace(",", "\u202f")
