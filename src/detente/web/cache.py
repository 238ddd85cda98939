"""The server's result caches: case-wide results pinned, per-request results in an LRU bounded by bytes.

Two stores, so that per-dyad traffic can never push out what every visitor needs:

* **pinned** — case-wide results (the case, its claims and their verdicts, networks, the catalogue, sources).
  Their number is bounded by the case (periods, claims), not by the requests, so they are never evicted.
* **ByteLRU** — everything keyed by request parameters (dyad series, per-dyad anomalies, dyad pages): bounded by
  the bytes it holds, and a read counts as use (read-refresh), so a popular answer stays while one-off queries
  age out.

:class:`Tiered` puts both behind one dict-like object (``get``, ``[]``, ``in``, ``[]=``) so that
``detente.views`` functions, which take a ``cache=`` dict, can be given it unchanged; keys are tuples whose first
element names their kind, and only the kinds in ``PINNED_KINDS`` are pinned.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any

#: Key kinds (first tuple element) whose values are case-wide and bounded by the case: never evicted.
PINNED_KINDS = frozenset({
    "case", "known_actors", "network", "signed_network", "claims", "claims_summary", "claims_bytes", "claim_bytes",
    "network_bytes", "sources", "sources_bytes", "anomalies_case", "catalogue",
    "api_claims", "api_network", "api_anomalies", "api_sources", "api_claim",
})


def approx_size(obj: Any, depth: int = 0) -> int:
    """A rough byte size of ``obj`` (containers walked to depth 4; DataFrames by their memory usage).

    >>> approx_size(b"x" * 1000)
    1000
    >>> approx_size({"a": [1.0, 2.0]}) > approx_size({})
    True
    """
    if isinstance(obj, bytes | bytearray | memoryview):
        return len(obj)
    if isinstance(obj, str):
        return len(obj) + 49
    if hasattr(obj, "memory_usage") and hasattr(obj, "columns"):  # pandas DataFrame
        return int(obj.memory_usage(index=True, deep=False).sum()) + 1000
    if hasattr(obj, "nbytes") and not isinstance(obj, type):  # numpy / arrow
        try:
            return int(obj.nbytes) + 100
        except TypeError:
            pass
    size = sys.getsizeof(obj, 64)
    if depth >= 4:
        return size
    if isinstance(obj, dict):
        return size + sum(approx_size(k, depth + 1) + approx_size(v, depth + 1) for k, v in obj.items())
    if isinstance(obj, list | tuple | set | frozenset):
        return size + sum(approx_size(v, depth + 1) for v in obj)
    return size


class ByteLRU:
    """A thread-safe LRU bounded by the bytes of its values; ``get`` and ``[]`` refresh an entry.

    >>> c = ByteLRU(max_bytes=10)
    >>> c["a"] = b"12345"; c["b"] = b"12345"
    >>> c.get("a")          # a read: "a" is now the most recent
    b'12345'
    >>> c["c"] = b"12345"   # over 10 bytes: the least recently USED entry ("b") goes
    >>> sorted(c.keys())
    ['a', 'c']
    """

    def __init__(self, max_bytes: int = 64 << 20):
        self.max_bytes = int(max_bytes)
        self._d: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.used = 0
        self.evictions = 0

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            hit = self._d.get(key)
            if hit is None:
                return default
            self._d.move_to_end(key)
            return hit[0]

    def __getitem__(self, key: Any) -> Any:
        sentinel = object()
        v = self.get(key, sentinel)
        if v is sentinel:
            raise KeyError(key)
        return v

    def __contains__(self, key: Any) -> bool:
        with self._lock:
            return key in self._d

    def __setitem__(self, key: Any, value: Any) -> None:
        self.put(key, value)

    def put(self, key: Any, value: Any, size: int | None = None) -> None:
        n = approx_size(value) if size is None else int(size)
        with self._lock:
            old = self._d.pop(key, None)
            if old is not None:
                self.used -= old[1]
            self._d[key] = (value, n)
            self.used += n
            while self.used > self.max_bytes and len(self._d) > 1:  # the newest entry always stays
                _k, (_v, m) = self._d.popitem(last=False)
                self.used -= m
                self.evictions += 1

    def pop(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            old = self._d.pop(key, None)
            if old is None:
                return default
            self.used -= old[1]
            return old[0]

    def keys(self) -> list:
        with self._lock:
            return list(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def stats(self) -> dict:
        return {"entries": len(self._d), "bytes": self.used, "max_bytes": self.max_bytes,
                "evictions": self.evictions}


class Tiered:
    """One dict-like front for the pinned store and the byte-bounded LRU, routed by the key's kind.

    >>> t = Tiered(ByteLRU(max_bytes=100))
    >>> t[("claims", "south_caucasus")] = ["verdicts"]
    >>> for i in range(50):
    ...     t[("dyad", i)] = b"x" * 10
    >>> ("claims", "south_caucasus") in t, ("dyad", 0) in t, ("dyad", 49) in t
    (True, False, True)
    """

    def __init__(self, lru: ByteLRU | None = None):
        self.pinned: dict[Any, Any] = {}
        self.lru = lru if lru is not None else ByteLRU()
        self._lock = threading.Lock()

    @staticmethod
    def is_pinned(key: Any) -> bool:
        return isinstance(key, tuple) and bool(key) and key[0] in PINNED_KINDS

    def _store(self, key: Any) -> Any:
        return self.pinned if self.is_pinned(key) else self.lru

    def get(self, key: Any, default: Any = None) -> Any:
        return self._store(key).get(key, default)

    def __getitem__(self, key: Any) -> Any:
        return self._store(key)[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._store(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        if self.is_pinned(key):
            with self._lock:
                self.pinned[key] = value
        else:
            self.lru.put(key, value)

    def setdefault(self, key: Any, value: Any) -> Any:
        got = self.get(key)
        if got is None:
            self[key] = value
            return value
        return got

    def pop(self, key: Any, default: Any = None) -> Any:
        if self.is_pinned(key):
            with self._lock:
                return self.pinned.pop(key, default)
        return self.lru.pop(key, default)

    def stats(self) -> dict:
        return {"pinned_entries": len(self.pinned), **{f"lru_{k}": v for k, v in self.lru.stats().items()}}
