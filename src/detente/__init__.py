"""detente: test what an argument says about a region's international relations against real event data.

The top-level API is small: open a store, then call the stage functions on it. ``detente.open()`` opens the
default store (``$DETENTE_STORE``, else the user data directory), building it from the bundled real data the first
time (about 15 s).

Each stage is a module: :mod:`detente.relations` (dyad x period measures), :mod:`detente.network` (signed alignment
network, blocs), :mod:`detente.claims` (hypotheses and verdicts), :mod:`detente.coding` (news text to events). A
module's public API is its ``__all__`` (docs/api.md).

Examples
--------
>>> import detente
>>> detente.__version__ == detente.version()
True
>>> print(", ".join(sorted(detente.__all__)))
Store, UserError, __version__, open, version

Armenia-Azerbaijan in the first quarter of 2021, in each dataset of the store:

>>> from detente import periods, relations
>>> store = detente.open(read_only=True)
>>> frame = relations.dyad_frame(store, ["ARM", "AZE"], periods.parse("2021-01-01:2021-03-31"))
>>> [(r.dataset, int(r.covered_days), round(r.index, 3)) for r in frame.itertuples()]
[('gdelt_network', 89, 0.186), ('icews', 88, 2.993)]
>>> store.close()
"""

from __future__ import annotations

from importlib import metadata as _metadata
from pathlib import Path
from typing import TYPE_CHECKING

from detente.errors import UserError

if TYPE_CHECKING:  # imported lazily: ``import detente`` stays light
    from detente.store import Store

__all__ = ["Store", "UserError", "__version__", "open", "version"]


def version() -> str:
    """The installed distribution's version.

    Returns
    -------
    str
        The version of the installed ``detente`` distribution, ``0.0.0+unknown`` when run from a source tree
        without package metadata. ``detente.__version__`` holds the same string.

    Examples
    --------
    >>> import detente
    >>> detente.version() == detente.__version__
    True
    >>> detente.version().split(".")[0].isdigit()
    True
    """
    try:
        return _metadata.version("detente")
    except _metadata.PackageNotFoundError:
        return "0.0.0+unknown"


__version__ = version()


def open(path: str | Path | None = None, read_only: bool = False, build: bool = True) -> Store:  # noqa: A001
    """Open the store at ``path`` (default: ``$DETENTE_STORE``, else the user data directory).

    When the store does not exist yet (or is empty) and ``build`` is true, it is built from the bundled real data
    first. A path whose folder does not exist is an error for a read-only open, never a silent new folder.

    Parameters
    ----------
    path
        The DuckDB store file; ``None`` for the default store.
    read_only
        Open without write access (several processes may then read the same store).
    build
        Build a missing or empty store from the bundled data first (about 15 s).

    Returns
    -------
    Store
        The open store; call ``close()`` when done.

    Raises
    ------
    UserError
        ``read_only`` with a path whose folder does not exist.

    Examples
    --------
    The default store, read-only; its datasets in name order:

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> [d["name"] for d in store.sources()][:3]
    ['atop', 'cow_alliance', 'cow_states']
    >>> store.close()

    A mistyped path is an error, not a new empty store:

    >>> import tempfile, os
    >>> missing = os.path.join(tempfile.mkdtemp(), "no", "such", "dir", "x.duckdb")
    >>> try:
    ...     detente.open(missing, read_only=True)
    ... except detente.UserError as e:
    ...     print(str(e).split(";")[0])
    no store at ...x.duckdb: its folder does not exist
    """
    from detente import bundle
    from detente.store import Store, default_path

    p = Path(path).expanduser() if path is not None else default_path()
    if read_only and not p.parent.is_dir():
        raise UserError(f"no store at {p}: its folder does not exist; check the path, or build one with "
                        f"`detente init --store {p}`")
    return bundle.ensure(Store, p, read_only=read_only, build=build, progress=False)


def __getattr__(name: str):
    if name == "Store":
        from detente.store import Store

        return Store
    if name in {"relations", "network", "claims", "coding", "alignment", "actors", "case", "extract"}:
        import importlib

        return importlib.import_module(f"detente.{name}")
    raise AttributeError(f"module 'detente' has no attribute {name!r}")
