"""GDELT daily country network: one ``YYYYMMDD_network.zip`` per day holding a 249x249 ``.npy`` matrix.

Rows/columns follow the ISO3 order of ``country_codes_clean.csv`` (shipped as
``detente/data/gdelt_network_countries.txt``). The matrix is symmetric, so only the upper triangle is
stored (undirected rows, ``actor_a < actor_b``). A zero cell means no qualifying event that day and
is not a row. ``line`` is the record number ``i * 249 + j + 1`` of the cell in the matrix.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa

from detente.sources.base import DatasetInfo, StageContext

__all__: list[str] = []

NAME = "gdelt_network"
DATASET = DatasetInfo(
    name="gdelt_network",
    title="GDELT 2.0 daily country-by-country relation network",
    license="GDELT: free and open for any use with attribution; matrices GPL-3.0 (gzemo/gdelt-graph-data)",
    url="https://github.com/gzemo/gdelt-graph-data",
    version="gzemo/gdelt-graph-data@8b71911",
    citation="""@misc{gdelt_network,
  title = {GDELT Graph Data: daily country relation networks from GDELT 2.0 events},
  author = {Zemo, G.},
  year = {2024},
  howpublished = {\\url{https://github.com/gzemo/gdelt-graph-data}},
  note = {Derived from the GDELT 2.0 Event Database (Leetaru and Schrodt 2013)}
}
@inproceedings{leetaru2013gdelt,
  title = {{GDELT}: Global Data on Events, Location, and Tone, 1979--2012},
  author = {Leetaru, Kalev and Schrodt, Philip A.},
  booktitle = {ISA Annual Convention},
  year = {2013}
}""",
)
FILE_RE = re.compile(r"(\d{8})_network\.(zip|npy)$")


@cache
def countries() -> tuple[str, ...]:
    text = resources.files("detente.data").joinpath("gdelt_network_countries.txt").read_text()
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def sniff(path: Path, head: bytes) -> bool:
    return path.is_file() and FILE_RE.search(path.name) is not None


def day_of(path: Path) -> date:
    m = FILE_RE.search(path.name)
    if not m:
        raise ValueError(f"{path.name}: expected a name like 20200927_network.zip")
    d = m.group(1)
    return date(int(d[:4]), int(d[4:6]), int(d[6:]))


def load_matrix(path: Path) -> np.ndarray:
    if path.suffix == ".npy":
        return np.load(path, allow_pickle=False)
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith(".npy")]
            if len(names) != 1:
                raise ValueError(f"{path.name}: zip holds {len(names)} .npy files; expected one")
            return np.load(io.BytesIO(zf.read(names[0])), allow_pickle=False)
    except zipfile.BadZipFile as e:
        raise ValueError(f"{path.name}: not a valid zip ({e}); download it again") from e


def stage(ctx: StageContext) -> int:
    day = day_of(ctx.path)
    m = load_matrix(ctx.path)
    codes = countries()
    n = len(codes)
    if m.shape != (n, n):
        raise ValueError(f"{ctx.path.name}: matrix is {m.shape}, expected ({n}, {n}) in the country order shipped")
    if not np.allclose(m, m.T, equal_nan=True):
        raise ValueError(f"{ctx.path.name}: matrix is not symmetric; this reader expects the undirected daily network")
    iu, ju = np.triu_indices(n, k=1)
    vals = m[iu, ju]
    keep = vals != 0
    iu, ju, vals = iu[keep], ju[keep], vals[keep]
    lines = (iu * n + ju + 1).astype(np.int64)
    bad = ~np.isfinite(vals)
    for i, j, v, ln in zip(iu[bad], ju[bad], vals[bad], lines[bad], strict=True):
        ctx.quarantine(int(ln), f"{codes[i]},{codes[j]},{v}", "score is not a finite number")
    ok = ~bad
    a = np.array(codes)[iu[ok]]
    b = np.array(codes)[ju[ok]]
    swap = a > b
    lo, hi = np.where(swap, b, a), np.where(swap, a, b)
    ctx.append(
        "dyad_days",
        pa.table(
            {
                "date": pa.array([day] * int(ok.sum()), pa.date32()),
                "actor_a": pa.array(lo, pa.string()),
                "actor_b": pa.array(hi, pa.string()),
                "directed": pa.array([False] * int(ok.sum())),
                "score": pa.array(vals[ok], pa.float64()),
                "line": pa.array(lines[ok], pa.int64()),
            }
        ),
    )
    return int(keep.sum())
