"""Readers: one module per input format.

Each reader module defines

- ``NAME``: the format name used by ``detente ingest --reader NAME``;
- ``DATASET``: a :class:`detente.sources.base.DatasetInfo` (name, license, citation, ...);
- ``sniff(path: Path, head: bytes) -> bool``: True when the file looks like this format;
- ``stage(ctx: StageContext) -> int``: streams the file into the context's staging tables
  (``ctx.append(table, arrow_batch)`` or SQL into ``stage_<table>``), quarantines bad rows with
  ``ctx.quarantine(line, raw, reason)`` and returns the number of rows read.

The store does the rest the same way for every format: actor resolution, CAMEO fill-in,
validation of required columns, deduplication, provenance and the transaction.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

# format name -> module (imported lazily so that `detente --help` stays fast)
READERS: dict[str, str] = {
    "gdelt1": "detente.sources.gdelt",
    "gdelt2": "detente.sources.gdelt2",
    "gdelt_network": "detente.sources.gdelt_network",
    "icews": "detente.sources.icews",
    "icews_quads": "detente.sources.icews_quads",
    "polecat": "detente.sources.polecat",
    "unvotes": "detente.sources.unvotes",
    "atop": "detente.sources.alliances",
    "cow_alliance": "detente.sources.alliances",
    "ucdp_acd": "detente.sources.ucdp",
    "cow_states": "detente.sources.states",
    "coded": "detente.sources.coded",
    "sipri_arms": "detente.sources.sipri",
    "partner_trade": "detente.sources.trade",
    "un_idealpoints": "detente.sources.idealpoints",
    "bigquery": "detente.sources.bigquery",
}


__all__ = ["READERS", "UnknownFormat", "reader", "detect"]


class UnknownFormat(ValueError):
    pass


def reader(fmt: str) -> ModuleType:
    """The reader module for a format name (``detente ingest --reader NAME``, ``Store.ingest(..., fmt=NAME)``).

    Parameters
    ----------
    fmt : str
        A key of ``READERS``.

    Returns
    -------
    module
        With ``NAME``, ``DATASET``, ``sniff`` and ``stage``.

    Raises
    ------
    UnknownFormat
        The name is not a reader's; the message lists them.

    Examples
    --------
    >>> mod = reader("icews")
    >>> mod.NAME, mod.DATASET.name, mod.DATASET.title
    ('icews', 'icews', 'ICEWS Coded Event Data')
    >>> reader("icws")
    Traceback (most recent call last):
    ...
    detente.sources.UnknownFormat: unknown format 'icws'; use one of: auto, atop, bigquery, ...
    """
    if fmt not in READERS:
        raise UnknownFormat(f"unknown format {fmt!r}; use one of: auto, {', '.join(sorted(READERS))}")
    module = importlib.import_module(READERS[fmt])
    return getattr(module, "READERS", {}).get(fmt, module)


def detect(path: Path) -> ModuleType:
    """The reader whose ``sniff`` accepts ``path``; a clear error when none does.

    Parameters
    ----------
    path : Path
        A file (or a folder, for readers that read one whole).

    Returns
    -------
    module
        The first reader of ``READERS`` whose ``sniff`` accepts it.

    Raises
    ------
    FileNotFoundError, UnknownFormat

    Examples
    --------
    A GDELT 1.0 daily file is known by its name; a text file is no reader's:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> f = Path(tmp.name) / "20200927.export.CSV"
    >>> _ = f.write_text("x")
    >>> detect(f).NAME
    'gdelt1'
    >>> g = Path(tmp.name) / "notes.txt"
    >>> _ = g.write_text("hello")
    >>> detect(g)
    Traceback (most recent call last):
    ...
    detente.sources.UnknownFormat: .../notes.txt: cannot tell its format; pass --reader with one of: atop, ...
    >>> tmp.cleanup()
    """
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or directory; check the path")
    head = b""
    if path.is_file():
        with path.open("rb") as fh:
            head = fh.read(65536)
    for fmt in READERS:
        try:
            mod = reader(fmt)
        except ModuleNotFoundError:
            continue
        if mod.sniff(path, head):
            return mod
    raise UnknownFormat(
        f"{path}: cannot tell its format; pass --reader with one of: {', '.join(sorted(READERS))}"
    )
