"""Every chart detente draws, once: a chart spec as data and one renderer (inline SVG; PNG/PDF through Pillow).

A *spec* is a plain JSON-ready dict, so the report, its JSON twin, the PDF and the dashboard pages all carry the
same numbers and the same picture::

    {"type": "line", "title": "IRN–ARM", "xlabel": "month", "ylabel": "index (‰ of world volume)",
     "series": [{"name": "gdelt_network", "points": [["2021-01-01", 1.2, 0.9, 1.6], ...]}],  # x, y, lo, hi
     "bands": [{"name": "war", "start": "2020-09-27", "end": "2020-11-10"}],                  # shaded periods
     "marks": [{"date": "2020-09-27", "label": "break", "kind": "break"}],                    # vertical lines
     "gaps": [{"series": "icews", "start": "2021-09-01", "end": "2021-12-31"}]}               # no data: not drawn

:func:`line_chart` and :func:`network_chart` build specs; :func:`svg` draws one as SVG text (no matplotlib, no
scipy: pure Python); :func:`save` writes a spec to ``.svg``, ``.png`` or ``.pdf``. A point whose value is None is
a hole in its line: a line never bridges a gap, and the gap is shaded and labelled. At most :data:`MAX_LINES`
lines share one chart; :func:`split` cuts a longer list into several charts.

>>> s = line_chart([{"name": "a", "points": [["2021-01-01", 1, 0, 2], ["2021-02-01", None], ["2021-03-01", 2]]}],
...                ylabel="index")
>>> s["gaps"]
[{'series': 'a', 'start': '2021-02-01', 'end': '2021-02-01'}]
>>> svg(s).count('class="line"')  # two pieces of one line, the gap between them undrawn
2

Internal: the drawing layer of the report, the dashboard and :func:`detente.network.plot`; not part of the Python
API (draw a network with :func:`detente.network.plot`, dyad series with :mod:`detente.plots`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any

__all__: list[str] = []  # internal: see the module docstring

MAX_LINES = 4
# One palette for every chart (Okabe-Ito, distinguishable with the common colour-vision deficiencies).
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
BANDS = ["#eef2f7", "#fbe9e2", "#e6f4ee", "#f4eaf2"]
INK, MUTED, GRID, GAP = "#1d2430", "#5f6b7a", "#e3e7ec", "#f3f3f3"
MARK = {"crisis": "#E69F00", "break": "#6a3d9a"}
EDGE = {1: ("#009E73", ""), -1: ("#D55E00", "6 4"), 0: ("#9aa5b1", "2 3")}
BLOC = ["#0072B2", "#D55E00", "#6a3d9a", "#009E73"]
VERDICT = {"supported": ("#dff3e6", "#1d6b3c"), "contradicted": ("#fbe1de", "#97281d"),
           "mixed": ("#fff1cc", "#7a5600"), "undecided": ("#e8eefb", "#2c4a86"),
           "insufficient_data": ("#e7eaee", "#4a5563")}


# -- specs ------------------------------------------------------------------------------------------
def _iso(x: Any) -> str | None:
    if x is None:
        return None
    return x.isoformat()[:10] if hasattr(x, "isoformat") else str(x)[:10]


def _num(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def line_chart(series: Sequence[dict], title: str = "", ylabel: str = "", xlabel: str = "date",
               bands: Iterable[dict] = (), marks: Iterable[dict] = (), zero: bool = True,
               note: str = "") -> dict:
    """A line-chart spec: ``series`` = [{"name", "points": [[x, y] or [x, y, lo, hi], ...]}] (x an ISO date).

    Holes (points with y None between drawn points) become ``gaps``; more than :data:`MAX_LINES` series is an
    error (call :func:`split` first)."""
    if len(series) > MAX_LINES:
        raise ValueError(f"{len(series)} lines on one chart; at most {MAX_LINES} (use report_figures.split)")
    out_series, gaps = [], []
    for s in series:
        pts = []
        for p in s.get("points") or []:
            x = _iso(p[0])
            if x is None:
                continue
            y = _num(p[1]) if len(p) > 1 else None
            lo = _num(p[2]) if len(p) > 3 else None
            hi = _num(p[3]) if len(p) > 3 else None
            pts.append([x, y, lo, hi])
        pts.sort(key=lambda p: p[0])
        drawn = [i for i, p in enumerate(pts) if p[1] is not None]
        if drawn:
            run: list[str] = []
            for p in pts[drawn[0]: drawn[-1] + 1]:
                if p[1] is None:
                    run.append(p[0])
                elif run:
                    gaps.append({"series": s["name"], "start": run[0], "end": run[-1]})
                    run = []
        out_series.append({"name": str(s["name"]), "points": pts})
    return {"type": "line", "title": title, "xlabel": xlabel, "ylabel": ylabel, "zero": zero, "note": note,
            "series": out_series, "gaps": gaps,
            "bands": [{"name": b.get("name"), "start": _iso(b.get("start")), "end": _iso(b.get("end"))}
                      for b in bands],
            "marks": [{"date": _iso(m.get("date")), "label": m.get("label", ""), "kind": m.get("kind", "crisis")}
                      for m in marks if m.get("date")]}


def split(series: Sequence[dict], size: int = MAX_LINES) -> list[list[dict]]:
    """``series`` in groups of at most ``size`` lines (one chart each).

    >>> [len(g) for g in split([{"name": str(i)} for i in range(10)])]
    [4, 3, 3]
    """
    if not series:
        return [[]]
    n = math.ceil(len(series) / size)
    base, extra = divmod(len(series), n)
    out, i = [], 0
    for g in range(n):
        k = base + (1 if g < extra else 0)
        out.append(list(series[i:i + k]))
        i += k
    return out


def monthly(points: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Daily or weekly [date, value] points as monthly means with a 95% normal interval of that mean.

    A month with one value has no interval; a month without values is absent (a gap when between others).

    >>> monthly([["2021-01-04", 1.0], ["2021-01-11", 0.0], ["2021-03-01", 0.5]])
    [['2021-01-01', 0.5, -0.48, 1.48], ['2021-02-01', None, None, None], ['2021-03-01', 0.5, None, None]]
    """
    by: dict[str, list[float]] = {}
    for p in points:
        v = _num(p[1])
        if v is not None:
            by.setdefault(_iso(p[0])[:7], []).append(v)
    if not by:
        return []
    keys = sorted(by)
    out = []
    y, m = int(keys[0][:4]), int(keys[0][5:7])
    while f"{y:04d}-{m:02d}" <= keys[-1]:
        vals = by.get(f"{y:04d}-{m:02d}", [])
        if vals:
            mean = sum(vals) / len(vals)
            if len(vals) > 1:
                sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1))
                h = 1.96 * sd / math.sqrt(len(vals))
                out.append([f"{y:04d}-{m:02d}-01", round(mean, 4), round(mean - h, 4), round(mean + h, 4)])
            else:
                out.append([f"{y:04d}-{m:02d}-01", round(mean, 4), None, None])
        else:
            out.append([f"{y:04d}-{m:02d}-01", None, None, None])
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def network_chart(nodes: Sequence[dict], edges: Sequence[dict], title: str = "") -> dict:
    """A signed-network spec: nodes [{"id", "bloc"}], edges [{"a", "b", "sign", "weight"}]."""
    return {"type": "network", "title": title,
            "nodes": [{"id": n["id"], "bloc": n.get("bloc")} for n in nodes],
            "edges": [{"a": e["a"], "b": e["b"], "sign": int(e.get("sign") or 0), "weight": _num(e.get("weight"))}
                      for e in edges]}


# -- geometry: one scene of primitives, drawn by the SVG or the Pillow backend ------------------------
def _d(x: str) -> date:
    return date.fromisoformat(x[:10])


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if not hi > lo:
        hi = lo + 1
    raw = (hi - lo) / n
    step = 10 ** math.floor(math.log10(raw))
    err = raw / step
    step *= 10 if err >= 7.5 else 5 if err >= 3.5 else 2 if err >= 1.5 else 1
    out, v = [], math.ceil(lo / step) * step
    while v <= hi + 1e-9 * step:
        out.append(round(v, 10))
        v += step
    return out


def _fmt(v: float) -> str:
    a = abs(v)
    if a >= 1e4:
        return f"{v / 1e3:.0f}k"
    if a >= 100 or v == int(v):
        return f"{v:.0f}"
    return f"{v:.2g}" if a < 1 else f"{v:.3g}"


def _line_scene(spec: dict, W: int = 760, H: int = 250) -> list[tuple]:
    P: list[tuple] = []
    ml, mr, mt, mb = 58, 12, 44, 40
    xs = [_d(p[0]) for s in spec["series"] for p in s["points"]]
    vals = [v for s in spec["series"] for p in s["points"] for v in (p[1], p[2], p[3]) if v is not None]
    P.append(("text", ml - 50, 16, spec.get("title", ""), 12.5, "start", INK, "bold", 0, "title"))
    if not xs or not vals:
        P.append(("text", W / 2, H / 2, "no data", 12, "middle", MUTED, "normal", 0, "empty"))
        return P
    x0, x1 = min(xs), max(xs)
    if x1 <= x0:
        x1 = x0 + timedelta(days=31)
    y0, y1 = min(vals + ([0.0] if spec.get("zero") else [])), max(vals + ([0.0] if spec.get("zero") else []))
    if y1 <= y0:
        y1 = y0 + 1
    pad = (y1 - y0) * 0.06
    y0, y1 = y0 - pad, y1 + pad
    span = (x1 - x0).days

    def X(d: date) -> float:
        return ml + (d - x0).days / span * (W - ml - mr)

    def Y(v: float) -> float:
        return H - mb - (v - y0) / (y1 - y0) * (H - mt - mb)

    for i, b in enumerate(spec.get("bands") or []):
        s = max(_d(b["start"]) if b.get("start") else x0, x0)
        e = min(_d(b["end"]) if b.get("end") else x1, x1)
        if e <= s:
            continue
        P.append(("rect", X(s), mt, X(e) - X(s), H - mt - mb, BANDS[i % len(BANDS)], 1.0, "band", b.get("name")))
        if X(e) - X(s) > 46:
            P.append(("text", X(s) + 3, mt + 11, str(b.get("name") or ""), 9, "start", MUTED, "normal", 0,
                      "bandlabel"))
    names = [s["name"] for s in spec["series"]]
    for g in spec.get("gaps") or []:  # hatched grey: this series has no data here (drawn as a gap, not a line)
        s, e = _d(g["start"]), _d(g["end"]) + timedelta(days=27)
        s, e = max(s - timedelta(days=14), x0), min(e, x1)
        k = names.index(g["series"]) if g["series"] in names else 0
        P.append(("rect", X(s), mt, max(X(e) - X(s), 2), H - mt - mb, GAP, 0.9, "gap",
                  f"{g['series']}: no data {g['start'][:7]}..{g['end'][:7]}"))
        P.append(("text", (X(s) + X(e)) / 2, H - mb - 6 - 11 * k, f"{g['series']}: no data", 8.5, "middle",
                  COLORS[k % len(COLORS)], "normal", 0, "gaplabel"))
    for v in _ticks(y0, y1):
        P.append(("path", [(ml, Y(v)), (W - mr, Y(v))], "#9aa5b1" if v == 0 else GRID, 0.8, "", "grid"))
        P.append(("text", ml - 6, Y(v) + 3.5, _fmt(v), 9, "end", MUTED, "normal", 0, "tick"))
    years = range(x0.year, x1.year + 2)
    step = max(1, math.ceil(len(years) / 8))
    quarters = span < 800
    for yr in years[::step]:
        for mo in ((1, 4, 7, 10) if quarters else (1,)):
            t = date(yr, mo, 1)
            if x0 <= t <= x1 and X(t) < W - mr - 18:
                P.append(("path", [(X(t), H - mb), (X(t), H - mb + 4)], MUTED, 0.8, "", "axis"))
                P.append(("text", X(t), H - mb + 15, str(yr) if mo == 1 else f"{yr}-{mo:02d}", 9, "middle", MUTED,
                          "normal", 0, "tick"))
    P.append(("path", [(ml, H - mb), (W - mr, H - mb)], MUTED, 0.8, "", "axis"))
    P.append(("text", (ml + W - mr) / 2, H - 6, spec.get("xlabel") or "", 9.5, "middle", MUTED, "normal", 0,
              "xlabel"))
    P.append(("text", 13, mt + (H - mt - mb) / 2, spec.get("ylabel") or "", 9.5, "middle", MUTED, "normal", -90,
              "ylabel"))
    for m in spec.get("marks") or []:
        t = _d(m["date"])
        if x0 <= t <= x1:
            brk = m.get("kind") == "break"
            P.append(("path", [(X(t), mt), (X(t), H - mb)], MARK["break" if brk else "crisis"], 1.3 if brk else 1.0,
                      "" if brk else "4 3", "mark " + ("break" if brk else "crisis"), f"{m['date']} {m['label']}"))
    lx = ml
    for i, s in enumerate(spec["series"]):
        c = COLORS[i % len(COLORS)]
        runs: list[list[list]] = [[]]
        for p in s["points"]:
            if p[1] is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(p)
        for run in (r for r in runs if r):
            pieces: list[list[list]] = [[]]
            for p in run:  # the interval is drawn where the points have one
                if p[2] is None or p[3] is None:
                    if pieces[-1]:
                        pieces.append([])
                else:
                    pieces[-1].append(p)
            for band in (b for b in pieces if len(b) > 1):
                poly = [(X(_d(p[0])), Y(p[3])) for p in band] + [(X(_d(p[0])), Y(p[2])) for p in reversed(band)]
                P.append(("poly", poly, c, 0.18, "ci"))
            P.append(("path", [(X(_d(p[0])), Y(p[1])) for p in run], c, 1.6, "", "line", s["name"]))
            if len(run) == 1:
                P.append(("circle", X(_d(run[0][0])), Y(run[0][1]), 2.6, c, "", "dot"))
        label = f"— {s['name']}"
        P.append(("text", lx, 34, label, 10, "start", c, "bold", 0, "legend"))
        lx += 6.4 * len(label) + 18
    return P


def _network_scene(spec: dict, W: int = 340, H: int = 340) -> list[tuple]:
    P: list[tuple] = [("text", W / 2, 18, spec.get("title", ""), 12.5, "middle", INK, "bold", 0, "title")]
    nodes = spec["nodes"]
    if not nodes:
        P.append(("text", W / 2, H / 2, "no network for this period", 12, "middle", MUTED, "normal", 0, "empty"))
        return P
    R = min(W, H) / 2 - 40
    cx, cy = W / 2, H / 2 + 10
    n = len(nodes)
    pos = {v["id"]: (cx + R * math.cos(-math.pi / 2 + 2 * math.pi * k / n),
                     cy + R * math.sin(-math.pi / 2 + 2 * math.pi * k / n)) for k, v in enumerate(nodes)}
    wmax = max([abs(e["weight"] or 0) for e in spec["edges"]] + [1e-9])
    for e in spec["edges"]:
        if e["a"] not in pos or e["b"] not in pos:
            continue
        col, dash = EDGE.get(e["sign"], EDGE[0])
        cls = {1: "pos", -1: "neg"}.get(e["sign"], "unc")
        w = 1.0 + 4.0 * abs(e["weight"] or 0) / wmax
        P.append(("edge", [pos[e["a"]], pos[e["b"]]], col, w, dash, cls,
                  f"{e['a']}–{e['b']}: {'+' if e['sign'] > 0 else '−' if e['sign'] < 0 else '?'}"))
    for v in nodes:
        x, y = pos[v["id"]]
        b = v.get("bloc")
        P.append(("circle", x, y, 17, BLOC[b % len(BLOC)] if b is not None else "#7f8c8d", "white",
                  f"node bloc{'x' if b is None else b}"))
        P.append(("text", x, y + 4, v["id"], 10, "middle", "white", "bold", 0, "nodelabel"))
    return P


def scene(spec: dict) -> tuple[int, int, list[tuple]]:
    if spec["type"] == "network":
        return 340, 340, _network_scene(spec)
    return 760, 250, _line_scene(spec)


# -- the SVG backend --------------------------------------------------------------------------------
def _pts(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def svg(spec: dict) -> str:
    """The spec drawn as one self-contained ``<svg>`` element (text, not a file)."""
    W, H, P = scene(spec)
    kind = "network" if spec["type"] == "network" else "series"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" class="chart {kind}" role="img" '
           f'aria-label="{escape(spec.get("title") or kind)}" font-family="DejaVu Sans, sans-serif">']
    for p in P:
        k = p[0]
        if k == "rect":
            _, x, y, w, h, fill, op, cls, tip = p
            t = f"<title>{escape(str(tip))}</title>" if tip else ""
            out.append(f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"'
                       f' fill-opacity="{op}">{t}</rect>')
        elif k in ("path", "edge"):
            _, pts, col, w, dash, cls, *tip = p
            d = f' stroke-dasharray="{dash}"' if dash else ""
            t = f"<title>{escape(str(tip[0]))}</title>" if tip and tip[0] else ""
            if k == "edge":
                (x1, y1), (x2, y2) = pts
                out.append(f'<line class="{cls}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                           f'stroke="{col}" stroke-width="{w:.1f}"{d} stroke-opacity="0.85">{t}</line>')
            else:
                path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts)
                out.append(f'<path class="{cls}" d="{path}" fill="none" stroke="{col}" stroke-width="{w}"{d} '
                           f'stroke-linejoin="round">{t}</path>')
        elif k == "poly":
            _, pts, col, op, cls = p
            out.append(f'<polygon class="{cls}" points="{_pts(pts)}" fill="{col}" fill-opacity="{op}"/>')
        elif k == "circle":
            _, x, y, r, fill, stroke, cls = p
            s = f' stroke="{stroke}" stroke-width="1.5"' if stroke else ""
            out.append(f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}"{s}/>')
        elif k == "text":
            _, x, y, s, size, anchor, col, weight, rot, cls = p
            r = f' transform="rotate({rot} {x:.1f} {y:.1f})"' if rot else ""
            wt = ' font-weight="bold"' if weight == "bold" else ""
            out.append(f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
                       f'fill="{col}"{wt}{r}>{escape(str(s))}</text>')
    out.append("</svg>")
    return "".join(out)


# -- the Pillow backend (PNG, PDF) for --plot files -------------------------------------------------
def _rgb(c: str) -> tuple[int, int, int]:
    c = c.lstrip("#")
    return (255, 255, 255) if c == "white" else (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16))


def raster(spec: dict, scale: float = 2.0) -> Any:
    """The same scene drawn with Pillow: a PIL image (for .png/.pdf files)."""
    from PIL import Image, ImageDraw, ImageFont

    W, H, P = scene(spec)
    img = Image.new("RGB", (int(W * scale), int(H * scale)), "white")
    over = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw, odraw = ImageDraw.Draw(img), ImageDraw.Draw(over)
    fonts: dict = {}

    def font(size: float, bold: bool) -> Any:
        key = (round(size * scale), bold)
        if key not in fonts:
            name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
            try:
                fonts[key] = ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{name}", key[0])
            except OSError:
                fonts[key] = ImageFont.load_default(key[0])
        return fonts[key]

    def sc(pts: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(x * scale, y * scale) for x, y in pts]

    for p in P:
        k = p[0]
        if k == "rect":
            _, x, y, w, h, fill, op, *_ = p
            draw.rectangle(sc([(x, y), (x + w, y + h)]), fill=_rgb(fill))
        elif k == "poly":
            _, pts, col, op, _ = p
            odraw.polygon(sc(pts), fill=(*_rgb(col), int(255 * op)))
            img.paste(Image.alpha_composite(img.convert("RGBA"), over).convert("RGB"))
            over = Image.new("RGBA", img.size, (0, 0, 0, 0))
            odraw = ImageDraw.Draw(over)
        elif k in ("path", "edge"):
            _, pts, col, w, dash, *_ = p
            pts = sc(pts)
            if not dash:
                draw.line(pts, fill=_rgb(col), width=max(1, round(w * scale)), joint="curve")
                continue
            on, off = (float(v) * scale for v in dash.split())
            for (xa, ya), (xb, yb) in zip(pts, pts[1:], strict=False):
                L = math.hypot(xb - xa, yb - ya) or 1
                t = 0.0
                while t < L:
                    t2 = min(t + on, L)
                    draw.line([(xa + (xb - xa) * t / L, ya + (yb - ya) * t / L),
                               (xa + (xb - xa) * t2 / L, ya + (yb - ya) * t2 / L)], fill=_rgb(col),
                              width=max(1, round(w * scale)))
                    t = t2 + off
        elif k == "circle":
            _, x, y, r, fill, stroke, _ = p
            draw.ellipse(sc([(x - r, y - r), (x + r, y + r)]), fill=_rgb(fill),
                         outline=_rgb(stroke) if stroke else None, width=round(1.5 * scale))
        elif k == "text":
            _, x, y, s, size, anchor, col, weight, rot, _ = p
            if not s:
                continue
            f = font(size, weight == "bold")
            a = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
            if rot:
                box = draw.textbbox((0, 0), str(s), font=f)
                t = Image.new("RGBA", (box[2] + 4, box[3] + 4), (0, 0, 0, 0))
                ImageDraw.Draw(t).text((2, 2), str(s), font=f, fill=_rgb(col))
                t = t.rotate(-rot if rot > 0 else 90, expand=True)
                img.paste(t, (int(x * scale - t.width / 2), int(y * scale - t.height / 2)), t)
            else:
                draw.text((x * scale, y * scale), str(s), font=f, fill=_rgb(col), anchor=a)
    return img


def save(spec: dict | Sequence[dict], path: str | Path) -> Path:
    """Write a spec (or several, stacked top to bottom) to ``path``: ``.svg``, ``.png`` or ``.pdf`` (Pillow)."""
    from detente.errors import UserError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png", ".pdf"):
        raise UserError(f"{path}: use a .svg, .png or .pdf file name for a plot")
    specs = [spec] if isinstance(spec, dict) else list(spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".svg":
        parts, y, width = [], 0, 0
        for s in specs:
            W, H, _ = scene(s)
            parts.append(svg(s).replace("<svg ", f'<svg y="{y}" width="{W}" height="{H}" ', 1))
            y, width = y + H, max(width, W)
        path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {y}" width="{width}" '
                        f'height="{y}">' + "".join(parts) + "</svg>" if len(parts) > 1 else parts[0],
                        encoding="utf-8")
        return path
    from PIL import Image

    imgs = [raster(s) for s in specs]
    img = Image.new("RGB", (max(i.width for i in imgs), sum(i.height for i in imgs)), "white")
    y = 0
    for i in imgs:
        img.paste(i, (0, y))
        y += i.height
    img.save(path, "PDF" if suffix == ".pdf" else "PNG", **({"resolution": 144.0} if suffix == ".pdf" else {}))
    return path
