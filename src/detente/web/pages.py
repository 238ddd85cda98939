"""Dashboard pages. Each page ``/x`` renders exactly what its JSON twin ``/x.json`` returns."""

from __future__ import annotations

from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from detente import report_figures as figs
from detente import views
from detente.web.api import DateQ, Freq, claim_of, claims_of, network_of

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=FsPath(__file__).resolve().parent / "templates")
templates.env.globals["svg"] = figs.svg  # charts are drawn on the server from the twin's chart spec
CASE = "south_caucasus"


def case_of(request: Request) -> Any:
    """The case the server serves (``serve --case/--case-file/--text`` sets ``app.state.case``)."""
    return getattr(request.app.state, "case", None) or CASE
Actor = Annotated[str, Path(pattern=r"^[A-Z]{3}$", description="ISO3 actor code", examples=["IRN"])]
PeriodQ = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_\- ]{1,40}$", description="Period name of the case")]
ClaimId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,20}$", examples=["C1"])]


def _html(request: Request, name: str, data: dict, twin: str) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"d": data, "twin": twin, "page": name.split(".")[0]})


def _twin(request: Request) -> str:
    q = f"?{request.url.query}" if request.url.query else ""
    path = request.url.path.rstrip("/") or "/index"
    return f"{path}.json{q}"


# -- data of each page (the JSON twin) --------------------------------------------------------------
async def overview_data(request: Request) -> dict:
    return await request.app.state.run(views.overview, case_of(request), cache=request.app.state.handle.cache)


async def dyad_data(
    request: Request, a: str, b: str, freq: Freq, period: str | None, start: date | None, end: date | None
) -> dict:
    run, cache = request.app.state.run, request.app.state.handle.cache
    return await run(views.dyad_page, case_of(request), a, b, freq=freq.value, period=period, start=start, end=end,
                     cache=cache)


@router.get("/index.json", summary="Overview (JSON twin of /)")
async def overview_json(request: Request) -> dict:
    return await overview_data(request)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def overview_page(request: Request) -> HTMLResponse:
    return _html(request, "overview.html", await overview_data(request), "/index.json")


@router.get("/dyads.json", summary="Dyad explorer choices (JSON twin of /dyads)")
async def dyads_json(request: Request) -> dict:
    return await request.app.state.run(views.dyad_choices, case_of(request), cache=request.app.state.handle.cache)


@router.get("/dyads", response_class=HTMLResponse, include_in_schema=False)
async def dyads_page(
    request: Request,
    a: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    b: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    period: PeriodQ = None,
    freq: Freq = Freq.month,
) -> Response:
    if a and b:  # the form without JavaScript
        q = urlencode({k: v for k, v in (("period", period), ("freq", freq.value)) if v})
        return RedirectResponse(f"/dyads/{a.upper()}/{b.upper()}?{q}", status_code=303)
    data = await request.app.state.run(views.dyad_choices, case_of(request), cache=request.app.state.handle.cache)
    return _html(request, "dyads.html", data, "/dyads.json")


@router.get("/dyads/{a}/{b}.json", summary="One dyad: series and strongest events (JSON twin of /dyads/{a}/{b})")
async def dyad_json(
    request: Request, a: Actor, b: Actor, freq: Freq = Freq.month, period: PeriodQ = None,
    start: DateQ = None, end: DateQ = None,
) -> dict:
    return await dyad_data(request, a, b, freq, period, start, end)


@router.get("/dyads/{a}/{b}", response_class=HTMLResponse, include_in_schema=False)
async def dyad_page(
    request: Request, a: Actor, b: Actor, freq: Freq = Freq.month, period: PeriodQ = None,
    start: DateQ = None, end: DateQ = None,
) -> HTMLResponse:
    return _html(request, "dyad.html", await dyad_data(request, a, b, freq, period, start, end), _twin(request))


async def network_data(request: Request, period: str | None) -> dict:
    data = await network_of(request, case_of(request), period)
    if data.get("status") == "ok":
        data = {**data, "chart": figs.network_chart(data["nodes"], data["edges"], title=data.get("period") or "")}
    return data


@router.get("/network.json", summary="Network of one period (JSON twin of /network)")
async def network_json(request: Request, period: PeriodQ = None) -> dict:
    return await network_data(request, period)


@router.get("/network", response_class=HTMLResponse, include_in_schema=False)
async def network_page(request: Request, period: PeriodQ = None) -> HTMLResponse:
    return _html(request, "network.html", await network_data(request, period), _twin(request))


@router.get("/claims.json", summary="Claims with verdicts (JSON twin of /claims)")
async def claims_json(request: Request) -> dict:
    return await claims_of(request, case_of(request))


@router.get("/claims", response_class=HTMLResponse, include_in_schema=False)
async def claims_page(request: Request) -> HTMLResponse:
    data = await claims_of(request, case_of(request))
    return _html(request, "claims.html", data, "/claims.json")


@router.get("/claims/{claim_id}.json", summary="One claim with its evidence (JSON twin of /claims/{id})")
async def claim_json(request: Request, claim_id: ClaimId) -> dict:
    return await claim_of(request, case_of(request), claim_id)


@router.get("/claims/{claim_id}", response_class=HTMLResponse, include_in_schema=False)
async def claim_page(request: Request, claim_id: ClaimId) -> HTMLResponse:
    data: Any = await claim_of(request, case_of(request), claim_id)
    return _html(request, "claim.html", data, f"/claims/{claim_id}.json")
