"""Limits on untrusted input, as configuration: each has a safe default, an environment variable to raise
it, and a one-line error naming both (``LimitError``).

| limit | variable | default |
|---|---|---|
| bytes one archive (zip/gzip member) may decompress to | ``DETENTE_MAX_UNPACKED`` | 64 GB |
| decompressed : compressed ratio, once past 64 MB | ``DETENTE_MAX_RATIO`` | 200 |
| bytes read from a pipe, FIFO or stdin | ``DETENTE_MAX_STDIN`` | 16 GB |
| seconds to wait for a FIFO's first byte | ``DETENTE_FIFO_WAIT`` | 30 |
| bytes of a YAML document | ``DETENTE_MAX_YAML`` | 4 MB |
| nodes YAML aliases expand to | ``DETENTE_MAX_YAML_ALIASES`` | 1000 |

Also the scratch space ingest decompresses into: ``scratch()`` makes a directory named after the
process (``$TMPDIR/detente-ingest-<pid>-*``), removed on any normal exit, on SIGTERM (the CLI turns
it into an exception, see ``exit_on_sigterm``) and, after a SIGKILL, by the next process that
stages a file (``clean_stale``: directories whose process is gone).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from detente.errors import UserError

__all__ = ["DEFAULTS", "LimitError", "get", "parse_size"]

_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
DEFAULTS: dict[str, str] = {
    "DETENTE_MAX_UNPACKED": "64GB",
    "DETENTE_MAX_RATIO": "200",
    "DETENTE_MAX_STDIN": "16GB",
    "DETENTE_FIFO_WAIT": "30",
    "DETENTE_MAX_YAML": "4MB",
    "DETENTE_MAX_YAML_ALIASES": "1000",  # nodes that aliases expand to, all aliases together
}
RATIO_FLOOR = 64 * 10**6  # the ratio limit applies once this many bytes came out (tiny files can be ~1000:1)
PREFIX = "detente-ingest-"


class LimitError(UserError):
    """Input past a configured limit; the message names the limit and how to raise it."""


def parse_size(text: str) -> int:
    """Bytes in ``text`` like ``64GB``, ``512MiB`` or ``1000``.

    Parameters
    ----------
    text
        A number with an optional unit: ``KB``/``MB``/``GB``/``TB`` (powers of 1000) or ``KiB``/``MiB``/... (1024).

    Returns
    -------
    int
        The number of bytes.

    Raises
    ------
    ValueError
        ``text`` is not a size.

    Examples
    --------
    >>> parse_size("1.5KB"), parse_size("2MiB"), parse_size("10")
    (1500, 2097152, 10)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?I?B?)\s*", text, re.IGNORECASE)
    if not m or m.group(2).upper() not in _UNITS:
        raise ValueError(f"{text!r} is not a size; write it like 512MB or 2GB")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def get(name: str) -> float:
    """The limit ``name`` (one of ``DEFAULTS``): from the environment, else the default.

    Parameters
    ----------
    name
        The environment variable of the limit, e.g. ``DETENTE_MAX_YAML``.

    Returns
    -------
    float
        Bytes for a size limit, else the number (seconds, ratio, nodes).

    Raises
    ------
    UserError
        The variable is set to something that is neither a number nor a size.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"DETENTE_MAX_YAML": ""}):  # unset: the default, 4MB
    ...     get("DETENTE_MAX_YAML")
    4000000.0
    >>> with mock.patch.dict(os.environ, {"DETENTE_MAX_YAML": "1MiB", "DETENTE_FIFO_WAIT": "5"}):
    ...     get("DETENTE_MAX_YAML"), get("DETENTE_FIFO_WAIT")
    (1048576.0, 5.0)
    """
    raw = os.environ.get(name, "").strip() or DEFAULTS[name]
    try:
        return float(parse_size(raw)) if not re.fullmatch(r"\d+(\.\d+)?", raw) else float(raw)
    except ValueError:
        raise UserError(f"{name}={raw!r} is not a number or size; set it like {DEFAULTS[name]}, or unset it") from None


def human(n: float) -> str:
    """A byte count for messages.

    >>> human(1500), human(64 * 10**9)
    ('1.5 KB', '64 GB')
    """
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


def error(what: str, name: str, shown: str) -> LimitError:
    return LimitError(f"{what}: over the limit {name}={shown}; if the input is genuine, raise it "
                      f"(e.g. export {name}=<larger>) and re-run")


class Meter:
    """Counts bytes coming out of one archive and stops at the size and ratio limits."""

    def __init__(self, label: str, compressed: int | None):
        self.label = label
        self.compressed = compressed
        self.out = 0
        self.max_bytes = get("DETENTE_MAX_UNPACKED")
        self.max_ratio = get("DETENTE_MAX_RATIO")

    def add(self, n: int) -> None:
        self.out += n
        if self.out > self.max_bytes:
            raise error(f"{self.label} decompresses to more than {human(self.max_bytes)}",
                        "DETENTE_MAX_UNPACKED", human(self.max_bytes).replace(" ", ""))
        if self.compressed and self.out > RATIO_FLOOR and self.out > self.max_ratio * self.compressed:
            raise error(f"{self.label} decompresses over {self.max_ratio:g} times its size of "
                        f"{human(self.compressed)} (a decompression bomb?)", "DETENTE_MAX_RATIO",
                        f"{self.max_ratio:g}")


class LimitedReader(io.RawIOBase):
    """A raw binary stream whose reads are counted by a ``Meter`` (wraps gzip/zip member streams);
    ``limited(raw, meter)`` gives the buffered file object to use."""

    def __init__(self, raw: IO[bytes], meter: Meter):
        super().__init__()
        self.raw, self.meter = raw, meter

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.raw.read(len(b))
        self.meter.add(len(data))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
        super().close()


def limited(raw: IO[bytes], label: str, compressed: int | None) -> io.BufferedReader:
    """``raw`` (a decompressing stream) read through the archive limits, as a buffered binary file."""
    return io.BufferedReader(LimitedReader(raw, Meter(label, compressed)), buffer_size=1 << 20)


# -- scratch space --------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(root: Path | None = None) -> int:
    """Remove scratch directories left by detente processes that no longer run (a SIGKILL); returns how many."""
    root = Path(root or tempfile.gettempdir())
    n = 0
    try:
        entries = list(root.iterdir())
    except OSError:
        return 0
    for p in entries:
        m = re.fullmatch(re.escape(PREFIX) + r"(\d+)-.*", p.name)
        if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            shutil.rmtree(p, ignore_errors=True)
            n += 1
    return n


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh scratch directory for this process, removed on exit (stale ones are cleaned first)."""
    clean_stale()
    d = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


class Terminated(SystemExit):  # noqa: N818 (an exit)
    """SIGTERM, raised in the main thread so every ``finally`` (transaction rollback, scratch cleanup) runs."""


_TERMINATED: list[int] = []


def terminated() -> bool:
    """Whether SIGTERM arrived (DuckDB turns the signal into "Query interrupted"; callers re-raise this)."""
    return bool(_TERMINATED)


def _on_term(signum: int, frame: object) -> None:
    _TERMINATED.append(signum)
    raise Terminated(128 + signum)


def exit_on_sigterm() -> None:
    """Turn SIGTERM into ``Terminated`` (main thread only; a no-op elsewhere)."""
    try:
        signal.signal(signal.SIGTERM, _on_term)
    except ValueError:
        pass
