"""A claim's series as a PNG/SVG: one panel per dataset, the case periods shaded, the verdict in the title."""

from __future__ import annotations

from datetime import date
from pathlib import Path


def plot_result(result, path: str | Path) -> Path:
    """Draw ``result.series`` (dataset -> label -> [[date, value]]) to ``path`` (.png, .svg or .pdf)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    series = result.series or {}
    n = max(1, len(series))
    fig, axes = plt.subplots(n, 1, figsize=(9, 2.6 * n), squeeze=False)
    for ax, (ds, by_label) in zip(axes[:, 0], series.items() or [("no data", {})], strict=False):
        for k, p in enumerate(result.periods.values()):
            if p.get("start") or p.get("end"):
                lo = date.fromisoformat(str(p["start"])) if p.get("start") else None
                hi = date.fromisoformat(str(p["end"])) if p.get("end") else None
                if lo and hi:
                    ax.axvspan(lo, hi, color="0.9" if k % 2 else "0.95", zorder=0)
        for label, pts in by_label.items():
            if pts:
                ax.plot([date.fromisoformat(d) for d, _ in pts], [v for _, v in pts], lw=0.9, label=label)
        ax.axhline(0, color="0.5", lw=0.5)
        ax.set_ylabel(ds)
        if by_label:
            ax.legend(fontsize=7, loc="upper left")
    axes[0, 0].set_title(f"{result.id}: {result.verdict} - {result.claim}"[:110], fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
