"""What the outputs show: plain functions returning JSON-ready dicts, shared by the report and the web app.

Each function calls one stage's public function and shapes the result; none holds analysis of its
own. A section whose stage fails (or is not installed) becomes ``{"status": "unavailable",
"reason": ...}`` so that a report always renders and says what is missing.

Internal: the layer under the report and the web app; not part of the Python API (call the stages themselves:
:mod:`detente.relations`, :mod:`detente.network`, :mod:`detente.claims`, ...; their results are what these
functions shape). Two functions are public: :func:`strongest_events` (a dyad's most cooperative and most
conflictual events, which no stage returns) and :func:`jsonable` (any stage's result as plain JSON values).
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import math
import platform
import re
import weakref
from collections.abc import Callable
from dataclasses import asdict, fields, is_dataclass
from datetime import date, datetime
from typing import Any

from detente.errors import UserError

__all__ = ["jsonable", "strongest_events"]  # the rest is internal: see the module docstring

ACTOR_RE = r"^[A-Z]{3}$"


def jsonable(v: Any) -> Any:
    """Recursively turn dates, numpy/pandas values, dataclasses and NaN into plain JSON values.

    Parameters
    ----------
    v : object
        Any stage's result: dicts, lists, tuples, sets, dates, numpy scalars and arrays, pandas frames,
        dataclasses (through their ``as_dict`` when they have one).

    Returns
    -------
    object
        Made of dict, list, str, int, float, bool and None only (NaN and infinities become None).

    Examples
    --------
    >>> import json
    >>> from datetime import date
    >>> import numpy as np
    >>> out = jsonable({"day": date(2020, 9, 27), "tone": np.float64(-0.5), "n": np.int64(3), "ci": (float("nan"), 1)})
    >>> json.dumps(out)
    '{"day": "2020-09-27", "tone": -0.5, "n": 3, "ci": [null, 1]}'
    """
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | frozenset):
        return [jsonable(x) for x in v]
    if is_dataclass(v) and not isinstance(v, type):
        return jsonable(v.as_dict() if hasattr(v, "as_dict") else asdict(v))
    if hasattr(v, "to_dict") and hasattr(v, "columns"):  # pandas DataFrame
        return jsonable(v.to_dict(orient="records"))
    if hasattr(v, "isoformat"):  # pandas Timestamp
        return jsonable(v.to_pydatetime() if hasattr(v, "to_pydatetime") else v.isoformat())
    if hasattr(v, "item") and not hasattr(v, "__len__"):  # numpy scalar
        return jsonable(v.item())
    if hasattr(v, "tolist"):
        return jsonable(v.tolist())
    if hasattr(v, "as_dict"):
        return jsonable(v.as_dict())
    return str(v)


def records(obj: Any) -> list[dict]:
    """A DataFrame, Arrow table or list of dicts as a list of JSON-ready dicts."""
    if obj is None:
        return []
    if hasattr(obj, "to_pylist"):
        obj = obj.to_pylist()
    return jsonable(obj)


def stage(name: str) -> Any:
    """Import ``detente.<name>``; a clear reason when that stage is not available."""
    try:
        return importlib.import_module(f"detente.{name}")
    except ModuleNotFoundError as e:
        if e.name == f"detente.{name}":
            raise Unavailable(f"the {name} stage (detente/{name}.py) is not installed") from e
        raise


class Unavailable(RuntimeError):
    """A section that cannot be shown, with the reason."""


def section(title: str, fn: Callable[[], dict]) -> dict:
    """Run ``fn`` into a report section; failures become a one-line reason, never a crash."""
    try:
        body = fn()
    except (Unavailable, UserError, ValueError, LookupError, RuntimeError, AttributeError, TypeError) as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if not isinstance(e, Unavailable | UserError):
            msg = f"{type(e).__name__}: {msg}"
        return {"title": title, "status": "unavailable", "reason": msg}
    return {"title": title, "status": "ok", **body}


# -- provenance ---------------------------------------------------------------------------------
def provenance(store: Any, params: dict | None = None) -> dict:
    return {
        "detente_version": version(),
        "python": platform.python_version(),
        "generated_at": datetime.now().replace(microsecond=0).isoformat(),
        "store": str(getattr(store, "path", "")),
        "parameters": jsonable(params or {}),
    }


def cursor_store(store: Any) -> Any:
    """A Store-like view of ``store`` on its own DuckDB cursor, for use from another thread."""
    from detente.store import Store

    s = Store.__new__(Store)
    s.path, s.read_only, s.con = store.path, True, store.con.cursor()
    return s


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _v

    try:
        return _v("detente")
    except PackageNotFoundError:
        return "unknown"


def sources(store: Any) -> dict:
    rows = records(store.sources())
    versions = dict(store.con.execute("SELECT name, version FROM datasets").fetchall())
    urls = dict(store.con.execute("SELECT name, url FROM datasets").fetchall())
    for r in rows:
        r["version"] = versions.get(r["name"])
        r["url"] = urls.get(r["name"])
    return {"datasets": rows, "bibtex": store.cite()}


def actor_code(code: str) -> str:
    c = (code or "").strip().upper()
    if not re.match(ACTOR_RE, c):
        raise UserError(f"actor code {code!r} is not three capital letters; send an ISO3 code such as IRN or ARM")
    return c


# -- the case -------------------------------------------------------------------------------------
def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def load_case(case: Any, cache: dict | None = None) -> Any:
    """A case object from a built-in name or a case file path (``claims.load_case``), cached."""
    if not isinstance(case, str | bytes) and not hasattr(case, "__fspath__"):
        return case
    key = ("case", str(case))
    if cache is not None and key in cache:
        return cache[key]
    fn = getattr(stage("claims"), "load_case", None)
    if fn is None:
        raise Unavailable("the claims stage has no load_case yet")
    out = fn(case)
    if cache is not None:
        cache[key] = out
    return out


def case_summary(case: Any) -> dict:
    raw_periods = _get(case, "periods", []) or []
    if isinstance(raw_periods, dict):
        raw_periods = list(raw_periods.values())
    periods = [{"name": _get(p, "name"), "start": jsonable(_get(p, "start")), "end": jsonable(_get(p, "end"))}
               for p in raw_periods]
    hyps = _get(case, "hypotheses", None) or _get(case, "claims", None) or []
    claims = [{"id": _get(h, "id"), "text": _get(h, "claim") or _get(h, "text")} for h in hyps]
    actors = _get(case, "actors", []) or []
    names = dict(actors) if isinstance(actors, dict) else {a: a for a in actors}
    return {
        "name": _get(case, "name"),
        "title": _get(case, "title") or _get(case, "name"),
        "actors": list(names),
        "actor_names": names,
        "periods": periods,
        "claims": claims,
        "datasets": _get(case, "datasets"),
        "path": _get(case, "path"),
    }


MAX_DYADS = 8
FOCUS: tuple[str, ...] = ()  # fallback focus actors when a case names no focus dyads (the case file does)


def case_dyads(case: Any, summary: dict) -> list[tuple[str, str]]:
    """The dyads the case's hypotheses name (undirected, in order of first mention); else its focus actors."""
    found: list[tuple[str, str]] = []

    def walk(x: Any, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(x, str):
            for a, b in re.findall(r"\b([A-Z]{3})\s*[-<>]\s*([A-Z]{3})\b", x):
                pair = tuple(sorted((a, b)))
                if a != b and pair not in found:
                    found.append(pair)  # type: ignore[arg-type]
        elif isinstance(x, dict):
            for v in x.values():
                walk(v, depth + 1)
        elif isinstance(x, list | tuple):
            for v in x:
                walk(v, depth + 1)
        elif hasattr(x, "__dict__") and not isinstance(x, type):
            walk(vars(x), depth + 1)

    for h in _get(case, "hypotheses", []) or []:
        walk(getattr(h, "tests", None) or h)
    actors = summary["actors"]
    if not found:
        focus = list(_get(case, "focus", None) or [])  # the case file's focus dyads
        found = [tuple(sorted(d)) for d in focus if d[0] in actors and d[1] in actors]  # type: ignore[misc]
        if not found:
            core = [a for a in FOCUS if a in actors] or actors[:4]
            found = [tuple(sorted((a, b))) for i, a in enumerate(core) for b in core[i + 1 :]]  # type: ignore[misc]
    return [p for p in found if len(p[0]) == 3 and len(p[1]) == 3][:MAX_DYADS]


def _cached(cache: dict | None, key: tuple, fn: Callable[[], Any]) -> Any:
    if cache is None:
        return fn()
    if key not in cache:
        cache[key] = fn()
    return cache[key]


# -- dyads ----------------------------------------------------------------------------------------
EVENT_COLS = ("event_id", "date", "source_actor", "source_sector", "target_actor", "target_sector", "cameo_code",
              "goldstein", "quad_class", "reports", "source_url", "dataset")


def strongest_events(store: Any, a: str, b: str, start: date | None = None, end: date | None = None,
                     limit: int = 10, dataset: str | None = None) -> dict:
    """The most cooperative and most conflictual events between ``a`` and ``b`` (both directions).

    Parameters
    ----------
    store : Store
        An open store.
    a, b : str
        Actor codes.
    start, end : date, optional
        Bounds (inclusive); default every event.
    limit : int
        Events per side.
    dataset : str, optional
        One event dataset; default every one.

    Returns
    -------
    dict
        ``cooperative`` (highest Goldstein first) and ``conflictual`` (lowest first): event rows with the CAMEO
        name; ``total`` events of the dyad in the window; ``coverage`` and ``notes`` on the datasets' coverage.

    Examples
    --------
    May 2021 in ICEWS: the most conflictual event is the 12 May use of force on the Armenia-Azerbaijan border:

    >>> from datetime import date
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> ev = strongest_events(store, "ARM", "AZE", date(2021, 5, 1), date(2021, 5, 31), limit=1)
    >>> ev["total"], [(e["date"], e["source_actor"], e["goldstein"], e["event_name"]) for e in ev["conflictual"]]
    (213, [('2021-05-12', 'AZE', -10.0, 'Use conventional military force, not specified below')])
    """
    a, b = actor_code(a), actor_code(b)
    cols = ", ".join(f"e.{c}" for c in EVENT_COLS)
    where = ("((e.source_actor = $a AND e.target_actor = $b) OR (e.source_actor = $b AND e.target_actor = $a))"
             " AND ($start IS NULL OR e.date >= $start) AND ($end IS NULL OR e.date <= $end)"
             " AND ($ds IS NULL OR e.dataset = $ds) AND e.goldstein IS NOT NULL")
    out: dict[str, Any] = {"a": a, "b": b, "start": jsonable(start), "end": jsonable(end)}
    for name, cond, order in (("cooperative", "e.goldstein > 0", "DESC"), ("conflictual", "e.goldstein < 0", "ASC")):
        cur = store.con.execute(
            f"SELECT {cols}, c.name AS event_name FROM events e LEFT JOIN cameo c ON c.code = e.cameo_code "
            f"WHERE {where} AND {cond} ORDER BY e.goldstein {order}, e.reports DESC NULLS LAST, e.date, e.event_id "
            "LIMIT $limit",
            {"a": a, "b": b, "start": start, "end": end, "ds": dataset, "limit": int(limit)},
        )
        names = [d[0] for d in cur.description]
        out[name] = [jsonable(dict(zip(names, r, strict=True))) for r in cur.fetchall()]
    out["total"] = store.con.execute(
        f"SELECT count(*) FROM events e WHERE {where}",
        {"a": a, "b": b, "start": start, "end": end, "ds": dataset},
    ).fetchone()[0]
    from detente.coverage import window_coverage

    cov = [c for c in window_coverage(store, start, end) if dataset is None or c["dataset"] == dataset]
    out["coverage"] = jsonable(cov)
    out["notes"] = [c["note"] for c in cov if c["note"]]
    return out


# -- network --------------------------------------------------------------------------------------
def network(store: Any, case: Any = "south_caucasus", period: str | None = None, cache: dict | None = None) -> dict:
    """The signed network of one period of the case: nodes with blocs, edges, balance (network.analyse)."""

    def build() -> dict:
        net_mod = stage("network")
        periods = load_case_or_setup(case, cache)["periods"]
        res = jsonable(net_mod.analyse(signed_network(store, case, period, cache)))
        bloc_of = {a: i for i, b in enumerate(res["blocs"]) for a in b}
        bal = res["balance"]
        return {
            "period": res["period"]["name"] if res["period"] else period,
            "start": res["period"]["start"] if res["period"] else None,
            "end": res["period"]["end"] if res["period"] else None,
            "periods": periods,
            "nodes": [{"id": n, "bloc": bloc_of.get(n)} for n in res["nodes"]],
            "edges": [{"a": e["actor_a"], "b": e["actor_b"], "sign": e["sign"], "weight": e["weight"],
                       "index": e["index"], "ci_low": e["ci_low"], "ci_high": e["ci_high"], "n_days": e["n_days"],
                       "tone": e.get("tone"), "expected": e.get("expected"), "strength": e.get("strength"),
                       "low_evidence": e.get("low_evidence", False)}
                      for e in res["edges"]],
            "low_evidence": res.get("low_evidence", []),
            "unaligned": res.get("unaligned", []),
            "balance": {k: bal[k] for k in bal if isinstance(bal[k], int | float) and not isinstance(bal[k], bool)},
            "partition": bal.get("partition"),
            "ties": bal.get("all_optimal"),  # every two-bloc split as good as the partition (None: too many actors)
            "blocs": res["blocs"],
            "actors": res["actors"],
            "provenance": res["provenance"],
        }

    key = ("network", str(case), period)
    return {"store": str(store.path), **section("Network", lambda: _cached(cache, key, build))}


def signed_network(store: Any, case: Any, period: str | None, cache: dict | None = None) -> Any:
    """The measured SignedNetwork of the case's actors (those the store knows) in one period, cached."""
    net_mod = stage("network")

    def build() -> Any:
        c = load_case_or_setup(case, cache)
        known = set(_cached(cache, ("known_actors",), lambda: stage("relations").known_actors(store)))
        actors = [a for a in c["actors"] if a in known] or None
        return net_mod.build(store, actors=actors, period=period or None, case=case)

    return _cached(cache, ("signed_network", str(case), period), build)


def load_case_or_setup(case: Any, cache: dict | None = None) -> dict:
    """The case summary: from ``claims.load_case`` when that stage exists, else network.case_setup."""
    try:
        return case_summary(load_case(case, cache))
    except Unavailable:
        net_mod = stage("network")
        actors, periods = net_mod.case_setup(case)
        return {"name": str(case), "title": str(case), "actors": actors, "claims": [],
                "periods": [{"name": p.name, "start": jsonable(p.start), "end": jsonable(p.end)} for p in periods]}


# -- dyad series ----------------------------------------------------------------------------------
MAX_PERIODS = 1000
PERIOD_DAYS = {"day": 1, "week": 7, "month": 28, "quarter": 90, "year": 365}
VALUE_COLS = ("net", "index", "value", "score", "goldstein", "mean_goldstein", "count", "events")


def call(fn: Callable, *args: Any, **kw: Any) -> Any:
    """Call ``fn`` with only the keyword arguments it accepts (stages differ in their optional knobs)."""
    import inspect

    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(*args, **kw)
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return fn(*args, **kw)
    return fn(*args, **{k: v for k, v in kw.items() if k in params and v is not None})


def dyad(store: Any, a: str, b: str, freq: str = "month", start: date | None = None, end: date | None = None,
         dataset: str | None = None, directed: bool = False, cache: dict | None = None) -> dict:
    """The relation series of one dyad (``relations.dyad_series``) as JSON points ``{period, value, ...}``.

    Every point carries the days it rests on (``covered_days``: days the dataset covers in the period;
    ``active_days``: days with a row for the dyad) and ``low_evidence`` (active days below
    ``coverage.EVIDENCE_FLOOR_DAYS``; null where the dataset does not cover the period). ``evidence`` sums
    them per dataset over the whole series."""
    a, b = actor_code(a), actor_code(b)
    if a == b:
        raise UserError(f"a dyad needs two different actors, got {a} twice; send e.g. /dyads/IRN/ARM")
    rel = stage("relations")
    infos = [d for d in rel.datasets(store) if d.start and d.end and (dataset is None or d.name == dataset)]
    if infos:
        lo, hi = start or min(d.start for d in infos), end or max(d.end for d in infos)
        n = ((hi - lo).days + 1) / PERIOD_DAYS.get(freq, 1)
        if n > MAX_PERIODS:
            raise UserError(f"{freq} steps over {lo}..{hi} make about {n:.0f} periods, more than {MAX_PERIODS}; "
                            "send a shorter start..end or a coarser freq (week, month, quarter, year)")

    def build() -> dict:
        df = call(rel.dyad_series, store, a, b, freq=freq, start=start, end=end, dataset=dataset, directed=directed)
        rows = records(df)
        cols = list(rows[0]) if rows else []
        when = next((c for c in ("period", "start", "date") if c in cols), None)
        value = next((c for c in VALUE_COLS if c in cols), None)
        numeric = [c for c in cols if c != when and any(isinstance(r.get(c), int | float) and not isinstance(
            r.get(c), bool) for r in rows)]
        points = []
        for r in rows:
            p = dict(r)
            p["period"] = str(r.get("start") or r.get(when)) if when else None
            p["value"] = r.get(value) if value else None
            points.append(p)
        attrs = getattr(df, "attrs", {}) or {}
        return {"a": a, "b": b, "freq": freq, "start": jsonable(start), "end": jsonable(end),
                "dataset": dataset or attrs.get("dataset") or (rows[0].get("dataset") if rows else None),
                "directed": directed, "value_label": value, "columns": numeric, "evidence": series_evidence(df),
                "points": points, "description": attrs.get("description", "")}

    return dict(_cached(cache, dyad_key(a, b, freq, start, end, dataset, directed), build))


def series_evidence(df: Any) -> list[dict]:
    """Per dataset of a ``dyad_series`` frame: the covered days and the dyad's days with data the whole series
    rests on, and whether it is low-evidence (fewer days with data than ``coverage.EVIDENCE_FLOOR_DAYS``; None
    when the dataset covers none of its periods); ``covered_from``..``covered_to``: the bounds of its first and
    last covered period."""
    from detente.coverage import EVIDENCE_FLOOR_DAYS

    if not {"dataset", "covered", "covered_days", "active_days"} <= set(getattr(df, "columns", ())):
        return []
    out = []
    for ds, g in df.groupby("dataset", sort=False):
        cov = g[g["covered"].astype(bool)]
        if not len(cov):
            out.append({"dataset": ds, "covered_days": 0, "active_days": None, "low_evidence": None,
                        "evidence_floor_days": EVIDENCE_FLOOR_DAYS, "covered_from": None, "covered_to": None})
            continue
        active = int(cov["active_days"].sum())
        out.append({"dataset": ds, "covered_days": int(cov["covered_days"].sum()), "active_days": active,
                    "low_evidence": active < EVIDENCE_FLOOR_DAYS, "evidence_floor_days": EVIDENCE_FLOOR_DAYS,
                    "covered_from": jsonable(cov["start"].iloc[0]), "covered_to": jsonable(cov["end"].iloc[-1])})
    return out


def dyad_key(a: str, b: str, freq: str, start: date | None, end: date | None, dataset: str | None,
             directed: bool) -> tuple:
    return ("dyad", a, b, freq, start, end, dataset, directed)


# -- claims ---------------------------------------------------------------------------------------
VERDICT_ORDER = ("supported", "contradicted", "mixed", "undecided", "insufficient data")


def _evaluate(store: Any, case: Any, cache: dict | None) -> list[dict]:
    mod = stage("claims")
    fn = getattr(mod, "evaluate", None)
    if fn is None:
        raise Unavailable("the claims stage has no evaluate() yet")
    c = load_case(case, cache)
    return _cached(cache, _claims_key(case, c), lambda: records(fn(store, c)))


def _claims_key(case: Any, c: Any) -> tuple:
    return ("claims", str(_get(c, "path") or _get(c, "name")), case_token(c) if not isinstance(case, str) else 0)


_TOKENS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_KEPT: dict[int, tuple[Any, str]] = {}  # objects that cannot be weakly referenced: kept alive, so no id is reused
_NEXT = itertools.count(1)


def case_token(case: Any) -> str:
    """The cache key of a case object: the SHA-256 of its content (name, actors, periods, claims as their YAML
    tree...), so two equal cases share answers; an object whose content cannot be written out gets a token of
    its own, once. Never ``id(case)``: CPython gives a new object the id of a freed one, so an id-keyed cache
    would hand one case's verdicts to another."""
    if isinstance(case, str):
        return case
    try:
        known = _TOKENS.get(case)  # worked out once per object (a case is not changed once loaded)
    except TypeError:
        known = None
    if known is not None:
        return known
    try:
        text = json.dumps(_plain(case, 0), sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        text = None
    if text is not None:
        tok = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        try:
            _TOKENS[case] = tok
        except TypeError:
            pass
        return tok
    try:
        tok = _TOKENS.get(case)
        if tok is None:
            tok = _TOKENS[case] = f"object:{next(_NEXT)}"
        return tok
    except TypeError:  # not weak-referenceable (or unhashable)
        got = _KEPT.get(id(case))
        if got is None or got[0] is not case:
            got = _KEPT[id(case)] = (case, f"object:{next(_NEXT)}")
        return got[1]


def _plain(x: Any, depth: int) -> Any:
    """``x`` as JSON-able data for :func:`case_token` (TypeError when something in it has no content form)."""
    if depth > 40:
        raise RecursionError("case too deep to hash")
    if x is None or isinstance(x, str | int | float | bool | date):
        return x
    if isinstance(x, dict):
        return {str(k): _plain(v, depth + 1) for k, v in x.items()}
    if isinstance(x, list | tuple | set | frozenset):
        items = [_plain(v, depth + 1) for v in x]
        return sorted(items, key=repr) if isinstance(x, set | frozenset) else items
    if type(x).__name__ == "Node" and hasattr(x, "value"):  # case.Node: a YAML value with its file and line
        return _plain(x.value, depth + 1)
    if is_dataclass(x) and not isinstance(x, type):
        has_node = getattr(x, "node", None) is not None
        # compiled claim tests are made from the YAML tree: hash the tree, not the Kind objects
        return {"__class__": type(x).__name__, **{f.name: _plain(getattr(x, f.name), depth + 1) for f in fields(x)
                                                  if not (has_node and f.name in ("tests", "compiled"))}}
    raise TypeError(f"no content form for {type(x).__name__}")


def remember_evaluation(cache: dict, case_obj: Any, rows: list[dict]) -> None:
    """Store claims evaluated elsewhere (another process) under the key ``_evaluate`` looks up."""
    cache[_claims_key(case_obj, case_obj)] = rows


def _events_in(x: Any, out: list[dict]) -> None:
    """Every dict that looks like an event (has event_id), anywhere in ``x``."""
    if isinstance(x, dict):
        if "event_id" in x:
            out.append(x)
            return
        for v in x.values():
            _events_in(v, out)
    elif isinstance(x, list):
        for v in x:
            _events_in(v, out)


def _event_row(e: dict) -> dict:
    return {**e, "source_actor": e.get("source_actor") or e.get("source"),
            "target_actor": e.get("target_actor") or e.get("target"),
            "event_name": e.get("event_name") or e.get("event_type"),
            "value": e["goldstein"] if e.get("goldstein") is not None else e.get("score")}


def claim_row(r: dict) -> dict:
    """One ClaimResult dict shaped for pages: id, text, verdict, effect, summary, facts, components, events."""
    verdict = str(r.get("verdict") or "insufficient data")
    facts = {k: v for k, v in r.items() if isinstance(v, int | float | str | bool) or v is None}
    for k in ("id", "claim", "text", "verdict", "summary"):
        facts.pop(k, None)
    if isinstance(r.get("interval"), list) and len(r["interval"]) == 2:
        facts["interval"] = "{} .. {}".format(*(f"{x:.3g}" if isinstance(x, float) else x for x in r["interval"]))
    evidence: list[dict] = []
    _events_in(r.get("evidence") or [], evidence)
    support = [_event_row(e) for e in evidence if e.get("side") in ("for", "support")]
    against = [_event_row(e) for e in evidence if e.get("side") == "against"]
    if not support and not against:
        rows = [_event_row(e) for e in evidence]
        support = [e for e in rows if (e["value"] or 0) >= 0]
        against = [e for e in rows if (e["value"] or 0) < 0]
    components = []
    for ds, body in (r.get("datasets") or {}).items():
        for c in (body or {}).get("components") or []:
            components.append({"dataset": ds, "dataset_verdict": body.get("verdict"),
                               **{k: v for k, v in c.items() if not isinstance(v, dict | list)}})
    summary = "; ".join(str(x) for x in (r.get("headline"), r.get("agreement"), r.get("needs")) if x)
    return {
        "id": r.get("id"),
        "text": r.get("claim") or r.get("text"),
        "verdict": verdict.replace(" ", "_"),
        "verdict_text": verdict,
        "effect": r.get("effect"),
        "summary": r.get("summary") or summary or None,
        "facts": facts,
        "components": components,
        "events": {"support": support[:10], "against": against[:10]},
    }


def claims(store: Any, case: Any = "south_caucasus", cache: dict | None = None) -> dict:
    """Verdicts for every claim of the case (``claims.evaluate``), with counts per verdict."""

    def body() -> dict:
        from detente import report_summary as rs

        results = _evaluate(store, case, cache)
        rows = [claim_row(r) for r in results]
        counts = {v.replace(" ", "_"): 0 for v in VERDICT_ORDER}
        for r in rows:
            counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
        items = [{**{k: r[k] for k in ("id", "text", "verdict", "verdict_text", "effect", "summary")},
                  **{k: v for k, v in rs.claim_summary(res).items() if k not in ("id", "text", "verdict")},
                  "low_evidence_tests": _low_evidence_tests(res)}
                 for r, res in zip(rows, results, strict=True)]
        if cache is not None:
            cache[("claims_summary", case_token(case))] = counts
        legend = [{"verdict": k.replace(" ", "_"), "text": k, "meaning": m} for k, m in rs.LEGEND]
        if not items:
            return {"counts": counts, "items": [], "legend": legend,
                    "note": "the case has no testable claims: nothing to evaluate"}
        return {"counts": counts, "items": items, "legend": legend}

    out = section("Claims and verdicts", body)
    out["store"] = str(store.path)
    out.setdefault("items", [])
    return out


def _low_evidence_tests(res: dict) -> list[str]:
    """The claim's tests below the evidence floor, as "dataset: test name" (empty when none is)."""
    return [f"{ds}: {c.get('name')}" for ds, d in (res.get("datasets") or {}).items()
            for c in d.get("components", []) if c.get("low_evidence")]


def claim(store: Any, case: Any, claim_id: str, cache: dict | None = None) -> dict:
    """One claim with its evidence and a chart of each dyad it names."""
    rows = _evaluate(store, case, cache)
    for r in rows:
        if str(r.get("id")).upper() == claim_id.upper():
            from detente import report_summary as rs

            out = claim_row(r)
            out["store"] = str(getattr(store, "path", ""))
            out["summary_first"] = rs.claim_summary(r)
            out["legend"] = [{"verdict": k.replace(" ", "_"), "text": k, "meaning": m} for k, m in rs.LEGEND]
            c = case_summary(load_case(case, cache))
            out["periods"] = c["periods"]
            out["charts"] = claim_charts(store, r, c["periods"])
            return jsonable(out)
    raise LookupError(f"no claim {claim_id!r}; the case has {', '.join(str(r.get('id')) for r in rows)}")


def claim_charts(store: Any, r: dict, periods: list[dict] | None = None) -> list[dict]:
    """Chart specs (report_figures) of the series a claim's test rests on: monthly means of the test's values
    with a 95% interval, the case's periods shaded, at most four lines per chart."""
    from detente import report_figures as figs
    from detente.claims import units

    periods = periods if periods is not None else [
        {"name": k, "start": p.get("start"), "end": p.get("end")} for k, p in (r.get("periods") or {}).items()]
    measure = next((s.get("measure") for s in r.get("spec") or [] if isinstance(s, dict) and s.get("measure")),
                   "net")
    ylabel = units.level(measure)
    charts = []
    for ds, by_dyad in (r.get("series") or {}).items():
        if not isinstance(by_dyad, dict) or not by_dyad:
            continue
        lines = [{"name": dy, "points": figs.monthly(pts)} for dy, pts in by_dyad.items()]
        groups = figs.split(lines)
        for k, g in enumerate(groups):
            part = f" ({k + 1} of {len(groups)})" if len(groups) > 1 else ""
            spec = figs.line_chart(g, title=f"{r.get('id')}: {ds}, monthly mean with 95% interval{part}",
                                   ylabel=ylabel, xlabel="month", bands=periods)
            charts.append({**spec, "dataset": ds})
    return charts


# -- anomalies and pages --------------------------------------------------------------------------
def anomalies(store: Any, case: Any = "south_caucasus", a: str | None = None, b: str | None = None,
              cache: dict | None = None) -> dict:
    """Crisis days (``anomalies.anomalies``) among the case's actors, or of one dyad; strongest first."""
    mod = stage("anomalies")
    c = load_case_or_setup(case, cache)
    known = set(_cached(cache, ("known_actors",), lambda: stage("relations").known_actors(store)))
    if a or b:
        if not (a and b):
            raise UserError("send both a and b (ISO3 codes) for one dyad, or neither for the whole case")
        actors = [actor_code(a), actor_code(b)]
    else:
        actors = [x for x in c["actors"] if x in known]
    found = mod.anomalies(store, actors)
    items = records(found.rows)
    items.sort(key=lambda r: (-abs(r.get("score") or 0), r["date"]))
    return {"case": c["name"], "actors": actors, "scored": found.scored, "flagged": found.flagged,
            "flag_rate": found.flag_rate, "threshold": getattr(mod, "THRESHOLD", None),
            "window": getattr(mod, "WINDOW", None), "items": items}


def _pairs(case: Any, c: dict, cache: dict | None) -> list[dict]:
    try:
        obj = load_case(case, cache)
    except Unavailable:
        obj = c
    return [{"a": a, "b": b, "href": f"/dyads/{a}/{b}"} for a, b in case_dyads(obj, c)]


def overview(store: Any, case: Any = "south_caucasus", cache: dict | None = None) -> dict:
    c = load_case_or_setup(case, cache)
    done = (cache or {}).get(("claims_summary", case_token(case)))
    from detente import report_summary as rs

    cov = section("What the data cover", lambda: {"items": rs.coverage_warnings(
        _cached(cache, ("coverage",), lambda: rs.coverage(store)), c["periods"], c.get("datasets"))})
    return {"store": str(store.path), "case": c, "pairs": _pairs(case, c, cache), "verdicts": done,
            "legend": [{"verdict": k.replace(" ", "_"), "text": k, "meaning": m} for k, m in rs.LEGEND],
            "coverage": cov, "sources": section("Data in the store", lambda: sources(store))}


def dyad_choices(store: Any, case: Any = "south_caucasus", cache: dict | None = None) -> dict:
    c = load_case_or_setup(case, cache)
    known = _cached(cache, ("known_actors",), lambda: stage("relations").known_actors(store))
    actors = [a for a in c["actors"] if a in known] or c["actors"]
    pairs = _pairs(case, c, cache)
    first = pairs[0] if pairs else {"a": actors[0] if actors else "", "b": actors[1] if len(actors) > 1 else ""}
    return {"store": str(store.path), "case": c["name"], "actors": sorted(set(actors) | set(known)),
            "case_actors": actors, "periods": c["periods"], "freqs": ["week", "month", "quarter", "year"],
            "default": {"a": first["a"], "b": first["b"]}, "pairs": pairs}


def dyad_page(store: Any, case: Any, a: str, b: str, freq: str = "month", period: str | None = None,
              start: date | None = None, end: date | None = None, cache: dict | None = None) -> dict:
    """A dyad's series (one period of the case, or start..end), its crises and its strongest events."""
    c = load_case_or_setup(case, cache)
    if period:
        match = [p for p in c["periods"] if p["name"] == period]
        if not match:
            raise UserError(f"unknown period {period!r}; send one of {', '.join(p['name'] for p in c['periods'])}")
        start = start or (date.fromisoformat(match[0]["start"]) if match[0]["start"] else None)
        end = end or (date.fromisoformat(match[0]["end"]) if match[0]["end"] else None)
    d = dyad(store, a, b, freq=freq, start=start, end=end, cache=cache)
    d = {**d, "period": period, "periods": c["periods"], "store": str(store.path)}
    lo, hi = (start.isoformat() if start else None), (end.isoformat() if end else None)
    bands = [p for p in c["periods"] if (not hi or (p["start"] or "0001") <= hi) and (not lo or (p["end"] or "9999") >= lo)]
    d["events"] = section("Strongest events", lambda: strongest_events(store, d["a"], d["b"], start, end, 10))
    try:
        mod = stage("anomalies")
        found = records(mod.anomalies(store, [d["a"], d["b"]], start=start, end=end).rows)
        found.sort(key=lambda r: -abs(r.get("score") or 0))
        word = {"conflictual": "conflict spike", "cooperative": "cooperation spike"}
        d["marks"] = sorted(({"date": r["date"], "kind": "crisis",
                              "label": f"{word.get(r['direction'], 'unusual day')} (robust z = {r['score']:.1f})"}
                             for r in found[:8]), key=lambda m: m["date"])
    except (Unavailable, UserError) as e:
        d["marks"], d["marks_reason"] = [], str(e).splitlines()[0]
    d["chart"] = dyad_chart(d, bands)
    return d


def dyad_chart(d: dict, bands: list[dict]) -> dict:
    """The chart spec of a dyad page: one line per dataset (at most four) with its interval, gaps undrawn."""
    from detente import report_figures as figs

    by: dict[str, list] = {}
    for p in d.get("points") or []:
        ok = p.get("covered") is not False
        by.setdefault(p.get("dataset") or "", []).append(
            [p["period"], p.get("index") if ok else None, p.get("ci_low") if ok else None,
             p.get("ci_high") if ok else None])
    lines = [{"name": ds or "index", "points": pts} for ds, pts in by.items()][:figs.MAX_LINES]
    return figs.line_chart(lines, title=f"{d['a']}–{d['b']}: {d['freq']}ly index with 95% interval",
                           ylabel="index (‰ of world volume)", xlabel=d["freq"], bands=bands,
                           marks=[{**m, "kind": m.get("kind", "crisis")} for m in d.get("marks") or []])
