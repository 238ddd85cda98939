"""The report's figures, drawn with matplotlib and returned as inline SVG text (no files, no network)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date
from typing import Any

COLORS = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#117a8b", "#5d6d7e", "#a04000"]
BANDS = ["#e8f0fb", "#fdecea", "#eaf6ee", "#f4ecf7"]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 8, "svg.fonttype": "none", "axes.spines.top": False,
                         "axes.spines.right": False, "svg.hashsalt": "detente"})
    return plt


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # fixed margins: one draw, not two
    _plt().close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _d(x: Any) -> date | None:
    if x is None:
        return None
    return x if isinstance(x, date) else date.fromisoformat(str(x)[:10])


def series_svg(series: dict[str, Sequence[tuple[Any, float | None]]], bands: Sequence[dict] = (),
               marks: Sequence[dict] = (), title: str = "", ylabel: str = "", zero: bool = True) -> str:
    """Lines (one per dataset) with the case's periods shaded and crises/breaks marked."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9.5, 2.6))
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.12, top=0.86)
    xs_all: list[date] = []
    for i, (name, pts) in enumerate(series.items()):
        xs = [_d(x) for x, y in pts]
        ys = [float("nan") if y is None else float(y) for x, y in pts]
        xs_all += [x for x in xs if x]
        ax.plot(xs, ys, color=COLORS[i % len(COLORS)], lw=1.3, label=name)
    if xs_all:
        lo, hi = min(xs_all), max(xs_all)
        for i, b in enumerate(bands):
            s, e = _d(b.get("start")) or lo, _d(b.get("end")) or hi
            if e < lo or s > hi:
                continue
            ax.axvspan(max(s, lo), min(e, hi), color=BANDS[i % len(BANDS)], zorder=0, lw=0)
            if (min(e, hi) - max(s, lo)).days < 0.06 * max((hi - lo).days, 1):
                continue  # too narrow to label (e.g. a six-week war in a six-year plot)
            ax.text(max(s, lo), 1.0, f" {b.get('name')}", transform=ax.get_xaxis_transform(), fontsize=6.5,
                    va="bottom", color="#5f6b7a")
        for m in marks:
            d = _d(m.get("date"))
            if d and lo <= d <= hi:  # crises dashed orange, structural breaks solid purple
                brk = m.get("kind") == "break"
                ax.axvline(d, color="#7d3c98" if brk else "#d68910", ls="-" if brk else "--", lw=1.1 if brk else 0.9)
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#5f6b7a")
    if zero:
        ax.axhline(0, color="#9aa5b1", lw=0.6)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=9, fontweight="bold", pad=12)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, loc="upper right")
    return _svg(fig)


def network_svg(nodes: Sequence[dict], edges: Sequence[dict], title: str = "") -> str:
    """Actors on a circle; green edges positive, red dashed negative, grey dotted uncertain; colour = bloc."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(3.3, 3.3))
    fig.subplots_adjust(left=0, right=1, bottom=0, top=0.92)
    n = max(len(nodes), 1)
    pos = {v["id"]: (math.cos(math.pi / 2 - 2 * math.pi * k / n), math.sin(math.pi / 2 - 2 * math.pi * k / n))
           for k, v in enumerate(nodes)}
    wmax = max([abs(e.get("weight") or 0) for e in edges] + [1e-9])
    for e in edges:
        if e["a"] not in pos or e["b"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e["a"]], pos[e["b"]]
        s = e.get("sign") or 0
        style = {1: ("#2e8b57", "-"), -1: ("#c0392b", "--"), 0: ("#b0b7c0", ":")}[int(s)]
        ax.plot([x1, x2], [y1, y2], color=style[0], ls=style[1], lw=0.6 + 3 * abs(e.get("weight") or 0) / wmax,
                alpha=0.8, zorder=1)
    palette = ["#1f5fa8", "#d35400", "#7d3c98", "#117a8b"]
    for v in nodes:
        x, y = pos[v["id"]]
        b = v.get("bloc")
        ax.scatter([x], [y], s=430, color=palette[b % len(palette)] if b is not None else "#7f8c8d", zorder=2,
                   edgecolors="white")
        ax.text(x, y, v["id"], ha="center", va="center", color="white", fontsize=7, fontweight="bold", zorder=3)
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=9, fontweight="bold")
    return _svg(fig)
