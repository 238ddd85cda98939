"""JSON API routes under /api: each validates its parameters and calls one function of detente.views.

Answers that are asked again are sent as the bytes sent last time (see detente.web.app for the caches and
lanes). Links (``next``) come from the app's configured ``base_url``, never from the request's ``Host``.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel

from detente import views
from detente.web.app import Failure

MAX_PAGE = 1000


class ErrorBody(BaseModel):
    error: str


_RETRY = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Valid parameters that cannot be answered (e.g. start after end); "
          "the message says what to send"},
    404: {"model": ErrorBody, "description": "Unknown actor, claim, case or path"},
    422: {"model": ErrorBody, "description": "A parameter the schema rejects"},
    503: {"model": ErrorBody, "headers": _RETRY, "description": "Busy (could not start within the server's queue "
          "budget) or over the time limit: retry after Retry-After seconds"},
}
router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

Actor = Annotated[str, Path(pattern=r"^[A-Z]{3}$", description="ISO3 actor code, e.g. IRN", examples=["IRN"])]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size (at most {MAX_PAGE})")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]
DateQ = Annotated[date | None, Query(description="YYYY-MM-DD")]
DatasetQ = Annotated[
    str | None, Query(pattern=r"^[a-z0-9_]{1,40}$", description="Dataset name as listed by /api/sources")
]
CaseQ = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_\-.]{1,80}$",
                                    description="Name of the served case (the default); see /api/claims")]


class Freq(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


def served(request: Request, case: Any = None, strict: bool = True) -> tuple[Any, str]:
    """(the served case as views take it, its name). The server serves one case: with ``strict`` (a ``?case=``
    query) another name is a 404 saying which one is served; pages' helpers pass ``strict=False``."""
    st = request.app.state
    if strict and case is not None and case != st.case_name and case is not st.case:
        raise LookupError(f"this server serves case {st.case_name!r}, not {case!r}; drop ?case= or send "
                          f"case={st.case_name} (start `detente serve --case NAME` for another)")
    return st.case, st.case_name


def link(request: Request, **params: Any) -> str:
    """The URL of this path with ``params`` replacing the query's, under the configured base URL."""
    q = dict(request.query_params)
    q.update({k: str(v) for k, v in params.items()})
    return f"{request.app.state.base_url}{request.url.path}?{urlencode(q)}"


def page(items: list[Any], limit: int, offset: int, request: Request) -> dict:
    """One page of ``items`` with the total and the URL of the next page (or None)."""
    total = len(items)
    nxt = link(request, offset=offset + limit, limit=limit) if offset + limit < total else None
    return {"total": total, "limit": limit, "offset": offset, "next": nxt, "items": items[offset : offset + limit]}


def dumps(obj: Any) -> bytes:
    """Strict JSON (NaN is not JSON: null); anything not JSON-ready goes through ``views.jsonable``."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      default=views.jsonable).encode()


def json_bytes(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def remember(request: Request, key: tuple, body: bytes) -> None:
    """Keep an answer's bytes in the LRU, gzipped (about 6x smaller: 6x more answers in the same memory)."""
    request.app.state.handle.cache.lru.put(key, Gzipped(gzip.compress(body, 1)))


class Gzipped(bytes):
    """A cached answer, gzip-compressed."""


def send(request: Request, body: bytes) -> Response:
    """``body`` (plain or :class:`Gzipped`) as JSON; gzipped as it is when the client accepts gzip."""
    headers = {"Vary": "Accept-Encoding"}
    if isinstance(body, Gzipped):
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(bytes(body), media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
        body = gzip.decompress(body)
    return Response(body, media_type="application/json", headers=headers)


def _dates(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise views.UserError(f"start {start} is after end {end}; send start <= end")


async def days_of(request: Request, start: Any = None, end: Any = None) -> list[dict]:
    """The covered days per dataset in ``start..end`` (``coverage.answer_days``): the ``covered`` field of the
    answers whose rows carry no days of their own (network, claims, anomalies, cite). Cached per window."""
    from detente.coverage import answer_days

    st = request.app.state
    return await st.memo(("api_days", str(start), str(end)), answer_days, start, end, lane_="light")


async def claims_of(request: Request, case: Any = None) -> dict:
    """Every claim's verdict: evaluated once per server in the background, then pinned in memory."""
    st = request.app.state
    obj, name = served(request, case, strict=False)
    return await st.slow(("claims", name), views.claims, obj, cache=st.handle.cache)


async def claim_of(request: Request, case: Any, claim_id: str) -> dict:
    return json.loads(await claim_bytes(request, case, claim_id))


async def claim_bytes(request: Request, case: Any, claim_id: str) -> bytes:
    st = request.app.state
    obj, name = served(request, case, strict=False)
    key = ("claim_bytes", name, claim_id.upper())
    body = st.handle.cache.get(key)
    if body is None:
        known = {str(c.get("id")).upper() for c in (await claims_of(request, case)).get("items", [])}
        out = await st.light(views.claim, obj, claim_id, cache=st.handle.cache)
        body = dumps(views.jsonable(out))
        if claim_id.upper() in known:  # bounded by the case's claims: pinned
            st.handle.cache[key] = body
    return body


async def network_of(request: Request, case: Any, period: str | None) -> dict:
    st = request.app.state
    obj, name = served(request, case, strict=False)
    summary = views.load_case_or_setup(obj, st.handle.cache)
    names = [p["name"] for p in summary["periods"]]
    if period is not None and period not in names:
        raise views.UserError(f"unknown period {period!r}; send one of {', '.join(names)}")
    return await st.slow(("network", name, period), views.network, obj, period, cache=st.handle.cache)


@router.get("/dyads/{a}/{b}", summary="Relation series of one dyad", response_model=None)
async def dyad(
    request: Request,
    a: Actor,
    b: Actor,
    freq: Freq = Freq.month,
    start: DateQ = None,
    end: DateQ = None,
    dataset: DatasetQ = None,
    directed: bool = False,
    limit: Limit = MAX_PAGE,
    offset: Offset = 0,
) -> Response:
    _dates(start, end)
    st = request.app.state
    cache = st.handle.cache
    key = ("dyad_json", a, b, freq.value, start, end, dataset, directed, limit, offset)
    body = cache.get(key)  # asked before: the bytes we sent last time, no thread, no query
    if body is None:
        try:
            out = await st.run(views.dyad, a, b, freq=freq.value, start=start, end=end, dataset=dataset,
                               directed=directed,
                               key=views.dyad_key(a, b, freq.value, start, end, dataset, directed))
        except (views.UserError, LookupError) as e:
            cache.lru.put(key, Failure(e))  # a small message, never the exception and its frames
            raise
        out = dict(out)
        paged = page(out.pop("points"), limit, offset, request)
        body = dumps({**out, "points": paged.pop("items"), **paged})  # views.dyad's points are JSON-ready
        remember(request, key, body)
    elif isinstance(body, Failure):
        body.raise_()
    return send(request, body)


@router.get("/dyads/{a}/{b}/events", summary="Strongest events between two actors", response_model=None)
async def dyad_events(
    request: Request, a: Actor, b: Actor, start: DateQ = None, end: DateQ = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    _dates(start, end)
    st = request.app.state
    key = ("events_json", a, b, start, end, limit)
    body = st.handle.cache.get(key)
    if body is None:
        try:
            out = await st.run(views.strongest_events, a, b, start=start, end=end, limit=limit,
                               key=("events", a, b, start, end, limit))
        except (views.UserError, LookupError) as e:
            st.handle.cache.lru.put(key, Failure(e))
            raise
        body = dumps(views.jsonable(out))
        remember(request, key, body)
    elif isinstance(body, Failure):
        body.raise_()
    return send(request, body)


@router.get("/anomalies", summary="Anomalous periods and structural breaks of the case's dyads")
async def anomalies(
    request: Request,
    case: CaseQ = None,
    a: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    b: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict:
    st = request.app.state
    obj, name = served(request, case)
    if a is None and b is None:  # the case's: computed once, pinned
        out = await st.slow(("anomalies", name), views.anomalies, obj, cache=st.handle.cache)
    else:  # one dyad: any pair can be asked, so the LRU (bounded by bytes) holds it, failures included
        out = await st.memo(("anomalies_dyad", name, a, b), views.anomalies, obj, a=a, b=b, cache=st.handle.cache)
    return {**{k: v for k, v in out.items() if k != "items"}, "covered": await days_of(request),
            **page(out["items"], limit, offset, request)}


@router.get("/network", summary="Signed regional network of one period: edges, balance, blocs")
async def network(
    request: Request,
    case: CaseQ = None,
    period: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_\-. ]{1,40}$", description="Period name")] = None,
) -> dict:
    served(request, case)
    out = await network_of(request, None, period)
    span = out.get("period") if isinstance(out.get("period"), dict) else {}
    return {**out, "covered": await days_of(request, span.get("start"), span.get("end"))}


@router.get("/claims", summary="Verdicts for every claim of a case")
async def claims(request: Request, case: CaseQ = None, limit: Limit = 100, offset: Offset = 0) -> dict:
    served(request, case)
    out = await claims_of(request, None)
    return {**{k: v for k, v in out.items() if k != "items"}, "covered": await days_of(request),
            **page(out["items"], limit, offset, request)}


@router.get("/claims/{claim_id}", summary="One claim's verdict with its evidence", response_model=None)
async def claim(
    request: Request,
    claim_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,20}$", examples=["C1"])],
    case: CaseQ = None,
) -> Response:
    served(request, case)
    return json_bytes(await claim_bytes(request, None, claim_id))


async def sources_of(request: Request) -> dict:
    """The store's datasets and BibTeX: read once (the served store is read-only), pinned."""
    st = request.app.state
    got = st.handle.cache.get(("api_sources",))
    if got is None:
        got = await st.light(views.sources)
        st.handle.cache[("api_sources",)] = got
    return got


@router.get("/sources", summary="Datasets in the store with coverage, versions and licenses")
async def sources(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict:
    out = await sources_of(request)
    return {"bibtex": out["bibtex"], **page(out["datasets"], limit, offset, request)}


@router.get("/cite", summary="BibTeX for every dataset in the store")
async def cite(request: Request) -> dict:
    out = await sources_of(request)
    return {"bibtex": out["bibtex"], "datasets": [d["name"] for d in out["datasets"]],
            "covered": await days_of(request)}


def _rss_mb() -> float | None:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


@router.get("/status", summary="Server load: lanes (running, queued, rejected), caches (entries, bytes), memory")
async def status(request: Request) -> dict:
    """Answered from the event loop (no lane, no query), so it answers under any load."""
    st = request.app.state
    return {"case": st.case_name, "timeout_s": st.timeout, "queue_wait_s": st.queue_wait, "rss_mb": _rss_mb(),
            **st.handle.stats()}
