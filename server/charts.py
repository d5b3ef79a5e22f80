"""Geometry of the pictures of a role page, drawn as inline SVG by the templates (which escape every
text): the career path and the salary ranges. No script and no asset from elsewhere."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

#: Order of the career relations in the picture, from climbing to working alongside.
RELATION_ORDER = ("progression", "management track", "specialisation", "related", "collaborator")

ROW = 36
WIDTH = 760


@dataclass
class Career:
    width: int
    height: int
    role: dict
    targets: list[dict] = field(default_factory=list)


def career(label: str, rows: list[dict]) -> Career | None:
    """The role in a box on the left, one box per related role on the right, one edge per relation
    (styled by its kind), with how many documents state it. ``rows`` are role-career solutions
    as {relation, other, label, support} of plain Python values."""
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: (RELATION_ORDER.index(r["relation"]) if r["relation"] in RELATION_ORDER
                                       else len(RELATION_ORDER), -r["support"], r["label"]))
    height = max(len(rows) * ROW + 24, 80)
    middle = height / 2
    role = {"x": 10, "y": middle - 18, "w": 220, "h": 36, "label": label, "cx": 230, "cy": middle}
    targets = []
    for index, row in enumerate(rows):
        y = 12 + index * ROW
        targets.append({**row, "x": 470, "y": y, "w": 280, "h": ROW - 8, "cy": y + (ROW - 8) / 2,
                        "kind": row["relation"].replace(" ", "-")})
    return Career(WIDTH, int(height), role, targets)


@dataclass
class SalaryChart:
    title: str
    width: int
    height: int
    ticks: list[dict]
    bars: list[dict]


def _nice_ceiling(value: float) -> float:
    """The next round number above ``value`` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def salaries(rows: list[dict]) -> list[SalaryChart]:
    """One horizontal bar chart per kind of figure (employment type, period, currency, basis): a bar
    from minimum to maximum per stated range, on an axis starting at zero so that ranges compare."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        key = (row["employment"], row["period"], row["currency"], row["basis"])
        groups.setdefault(key, []).append(row)
    charts = []
    left, plot = 150, WIDTH - 150 - 190  # room on the right for the amounts
    for (employment, period, currency, basis), items in sorted(groups.items()):
        top = _nice_ceiling(float(max(Decimal(str(r["max"])) for r in items)))
        scale = plot / top
        bars = []
        for index, row in enumerate(sorted(items, key=lambda r: (Decimal(str(r["min"])), Decimal(str(r["max"]))))):
            low, high = float(row["min"]), float(row["max"])
            y = 10 + index * 30
            bars.append({"x": left + low * scale, "y": y, "w": max((high - low) * scale, 3), "h": 18,
                         "label": row.get("seniority") or "any level", "file": row["file"],
                         "text": f"{_amount(row['min'])} – {_amount(row['max'])} {currency}",
                         "tx": left + high * scale + 6, "quote": row["quote"]})
        axis_y = 10 + len(bars) * 30 + 4
        ticks = [{"x": left + i * plot / 5, "label": _amount(top * i / 5), "y": axis_y} for i in range(6)]
        basis_text = "" if basis == "unknown" else f"{basis} "
        title = f"{employment}, {basis_text}per {period} ({currency})"
        charts.append(SalaryChart(title, WIDTH, int(axis_y + 24), ticks, bars))
    return charts


def _amount(value) -> str:
    number = float(value)
    text = f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"
    return text.replace(",", "\u202f")
