"""JSON API routes under /api: each validates its parameters and calls one function of detente.views."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from detente import views

router = APIRouter(prefix="/api", tags=["api"])

MAX_PAGE = 1000
Actor = Annotated[str, Path(pattern=r"^[A-Z]{3}$", description="ISO3 actor code, e.g. IRN", examples=["IRN"])]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size (at most {MAX_PAGE})")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]
DateQ = Annotated[date | None, Query(description="YYYY-MM-DD")]
DatasetQ = Annotated[
    str | None, Query(pattern=r"^[a-z0-9_]{1,40}$", description="Dataset name as listed by /api/sources")
]


class Freq(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


class Case(StrEnum):
    south_caucasus = "south_caucasus"


def page(items: list[Any], limit: int, offset: int, request: Request) -> dict:
    """One page of ``items`` with the total and the URL of the next page (or None)."""
    total = len(items)
    nxt = None
    if offset + limit < total:
        nxt = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    return {"total": total, "limit": limit, "offset": offset, "next": nxt, "items": items[offset : offset + limit]}


def _dates(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise views.UserError(f"start {start} is after end {end}; send start <= end")


async def claims_of(request: Request, case: str) -> dict:
    """Every claim's verdict: evaluated once per server in the background, then served from memory."""
    st = request.app.state
    return await st.slow(("claims", case), views.claims, case, cache=st.handle.cache)


async def claim_of(request: Request, case: str, claim_id: str) -> dict:
    await claims_of(request, case)
    return await request.app.state.run(views.claim, case, claim_id, cache=request.app.state.handle.cache)


async def network_of(request: Request, case: str, period: str | None) -> dict:
    st = request.app.state
    summary = views.load_case_or_setup(case, st.handle.cache)
    names = [p["name"] for p in summary["periods"]]
    if period is not None and period not in names:
        raise views.UserError(f"unknown period {period!r}; send one of {', '.join(names)}")
    return await st.slow(("network", case, period), views.network, case, period, cache=st.handle.cache)


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
    cache = request.app.state.handle.cache
    key = ("dyad_json", a, b, str(request.url.query))
    body = cache.get(key)  # the same request again: the bytes we sent last time, no thread, no query
    if body is None:
        out = await request.app.state.once(
            views.dyad_key(a, b, freq.value, start, end, dataset, directed), views.dyad, a, b, freq=freq.value,
            start=start, end=end, dataset=dataset, directed=directed, cache=cache,
        )
        out = dict(out)
        paged = page(out.pop("points"), limit, offset, request)
        body = json.dumps({**out, "points": paged.pop("items"), **paged}, ensure_ascii=False, separators=(",", ":"))
        cache[key] = body
    return Response(body, media_type="application/json")


@router.get("/dyads/{a}/{b}/events", summary="Strongest events between two actors")
async def dyad_events(
    request: Request, a: Actor, b: Actor, start: DateQ = None, end: DateQ = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict:
    _dates(start, end)
    return await request.app.state.run(views.strongest_events, a, b, start=start, end=end, limit=limit)


@router.get("/anomalies", summary="Anomalous periods and structural breaks of the case's dyads")
async def anomalies(
    request: Request,
    case: Case = Case.south_caucasus,
    a: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    b: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict:
    out = await request.app.state.slow(("anomalies", case.value, a, b), views.anomalies, case.value, a=a, b=b)
    return {**{k: v for k, v in out.items() if k != "items"}, **page(out["items"], limit, offset, request)}


@router.get("/network", summary="Signed regional network of one period: edges, balance, blocs")
async def network(
    request: Request,
    case: Case = Case.south_caucasus,
    period: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_\- ]{1,40}$", description="Period name")] = None,
) -> dict:
    return await network_of(request, case.value, period)


@router.get("/claims", summary="Verdicts for every claim of a case")
async def claims(request: Request, case: Case = Case.south_caucasus, limit: Limit = 100, offset: Offset = 0) -> dict:
    out = await claims_of(request, case.value)
    return {**{k: v for k, v in out.items() if k != "items"}, **page(out["items"], limit, offset, request)}


@router.get("/claims/{claim_id}", summary="One claim's verdict with its evidence")
async def claim(
    request: Request,
    claim_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,20}$", examples=["C1"])],
    case: Case = Case.south_caucasus,
) -> dict:
    return await claim_of(request, case.value, claim_id)


@router.get("/sources", summary="Datasets in the store with coverage, versions and licenses")
async def sources(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict:
    out = await request.app.state.run(views.sources)
    return {"bibtex": out["bibtex"], **page(out["datasets"], limit, offset, request)}


@router.get("/cite", summary="BibTeX for every dataset in the store")
async def cite(request: Request) -> dict:
    out = await request.app.state.run(views.sources)
    return {"bibtex": out["bibtex"], "datasets": [d["name"] for d in out["datasets"]]}
