"""Offline matplotlib plots (Agg) of dyad series: index with its interval, case periods shaded,
anomalies and breaks marked. Used by ``detente relations --plot`` and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from detente.errors import UserError  # noqa: E402
from detente.periods import Period  # noqa: E402

SHADES = ("#f2f2f2", "#fde9d9", "#e3eef9", "#e9f5e1", "#f5eaf7")


def series(frame: pd.DataFrame, path: str | Path | None = None, title: str | None = None,
           periods: list[Period] | None = None, anomalies: pd.DataFrame | None = None,
           breaks: pd.DataFrame | None = None, measure: str = "index") -> Any:
    """Plot ``measure`` of a dyad_series frame (one line per dataset); save to ``path`` (.png/.svg/.pdf)."""
    if path is not None and Path(path).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UserError(f"--plot {path}: use a .png, .svg or .pdf file name")
    fig, ax = plt.subplots(figsize=(10, 4), dpi=110)
    for i, p in enumerate(periods or []):
        ax.axvspan(pd.Timestamp(p.start), pd.Timestamp(p.end) + pd.Timedelta(days=1), color=SHADES[i % len(SHADES)],
                   zorder=0, lw=0)
        ax.text(pd.Timestamp(p.start), 1.0, f" {p.name}", transform=ax.get_xaxis_transform(), va="top",
                fontsize=7, color="#555555")
    for ds, g in frame.groupby("dataset", sort=True):
        mid = pd.to_datetime(g["start"]) + (pd.to_datetime(g["end"]) - pd.to_datetime(g["start"])) / 2
        ax.plot(mid, g[measure], marker="o", ms=2.5, lw=1.2, label=ds)
        if measure == "index" and g["ci_low"].notna().any():
            ax.fill_between(mid, g["ci_low"].astype(float), g["ci_high"].astype(float), alpha=0.2)
    if anomalies is not None and len(anomalies):
        for d, c in ((anomalies[anomalies.direction == "conflictual"], "#c0392b"),
                     (anomalies[anomalies.direction == "cooperative"], "#27ae60")):
            for x in pd.to_datetime(d["date"]):
                ax.axvline(x, color=c, lw=0.6, alpha=0.6, ls=":")
    if breaks is not None and len(breaks):
        for x in pd.to_datetime(breaks["date"]):
            ax.axvline(x, color="#34495e", lw=1.2, ls="--")
    ax.axhline(0, color="#888888", lw=0.6)
    ax.set_ylabel(measure + (" (per mille of world volume)" if measure == "index" else ""))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
    ax.set_title(title or "", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
        plt.close(fig)
    return fig
