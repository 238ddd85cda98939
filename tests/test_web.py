"""The API and dashboard (detente.web) through a real uvicorn server on 127.0.0.1, plus schemathesis."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import settings

from detente.web.app import create_app
from out_fixtures import BIBTEX, serve, shared_site, tiny_store


# -- a hand-made store: exact values ----------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_store(tmp_path_factory.mktemp("web") / "tiny.duckdb")


@pytest.fixture(scope="module")
def tiny_api(tiny: Path):
    app = create_app(tiny, warm=False)
    with serve(app) as base:
        app.state.base_url = base  # what `serve --base-url` configures: links are built from it, never from Host
        yield base


def test_sources_and_cite_match_the_store(tiny_api: str) -> None:
    r = httpx.get(f"{tiny_api}/api/sources")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 2 and [d["name"] for d in body["items"]] == ["empty", "tiny"]
    tiny_row = body["items"][1]
    assert (tiny_row["rows"], tiny_row["version"], tiny_row["license"]) == (7, "v1", "CC0")
    assert str(tiny_row["coverage_start"]) == "2021-03-01"
    assert httpx.get(f"{tiny_api}/api/cite").json()["bibtex"] == BIBTEX


def test_pagination_walks_every_row_once(tiny_api: str) -> None:
    first = httpx.get(f"{tiny_api}/api/sources", params={"limit": 1}).json()
    assert (first["total"], len(first["items"]), first["items"][0]["name"]) == (2, 1, "empty")
    second = httpx.get(first["next"]).json()
    assert [d["name"] for d in second["items"]] == ["tiny"] and second["next"] is None
    r = httpx.get(f"{tiny_api}/api/sources", params={"limit": 100_000})
    assert r.status_code == 422 and "limit" in r.json()["error"]


def test_strongest_events_ordered_by_goldstein_then_reports(tiny_api: str) -> None:
    body = httpx.get(f"{tiny_api}/api/dyads/IRN/ARM/events").json()
    # both directions, never the IRN-AZE event e4; ties on Goldstein 8 broken by reports (e7 has 5, e2 has 2)
    assert [e["event_id"] for e in body["cooperative"]] == ["e7", "e2", "e1", "e5"]
    assert [e["event_id"] for e in body["conflictual"]] == ["e6", "e3"]
    assert body["total"] == 6
    assert body["cooperative"][2]["source_url"] == "https://example.org/e1"
    later = httpx.get(f"{tiny_api}/api/dyads/ARM/IRN/events", params={"start": "2021-04-01", "limit": 1}).json()
    assert [e["event_id"] for e in later["cooperative"]] == ["e7"] and later["total"] == 3


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/api/dyads/irn/ARM", 422, "a: String should match pattern"),
        ("/api/dyads/IRN/ARM/events?start=2021-05-01&end=2021-03-01", 400, "send start <= end"),
        ("/api/dyads/IRN/ARM/events?start=yesterday", 422, "start"),
        ("/api/dyads/IRN/ARM/events?limit=0", 422, "limit"),
        ("/api/dyads/IRN/ARM?freq=hourly", 422, "freq"),
        ("/api/dyads/IRN/ARM?freq=day&start=2018-01-01&end=2024-01-01", 400, "coarser freq"),
        ("/api/nothing/here", 404, "/docs"),
        ("/dyads/IRN/A1M", 422, "pattern"),
        ("/api/claims?case=elsewhere", 404, "serves case 'south_caucasus'"),
    ],
)
def test_bad_requests_get_json_errors_saying_what_to_send(tiny_api: str, path: str, status: int, says: str) -> None:
    r = httpx.get(tiny_api + path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert says in r.json()["error"]
    assert "Traceback" not in r.text


def test_explorer_form_works_without_javascript(tiny_api: str) -> None:
    r = httpx.get(f"{tiny_api}/dyads", params={"a": "irn", "b": "arm", "period": "war"})
    assert r.status_code == 303 and r.headers["location"] == "/dyads/IRN/ARM?period=war&freq=month"


def test_writes_are_refused(tiny_api: str) -> None:
    r = httpx.post(f"{tiny_api}/api/sources", json={})
    assert r.status_code == 405 and "read-only" in r.json()["error"]
    assert r.headers["allow"] == "GET"  # RFC 9110: a 405 names the methods the resource has
    r = httpx.delete(f"{tiny_api}/api/dyads/IRN/ARM")
    assert r.status_code == 405 and r.headers["allow"] == "GET"


def test_missing_store_is_a_json_error(tmp_path: Path) -> None:
    c = TestClient(create_app(tmp_path / "absent.duckdb", warm=False))
    r = c.get("/api/sources")
    assert r.status_code == 503 and "detente init" in r.json()["error"]
    assert not (tmp_path / "absent.duckdb").exists()  # read-only: never created


def test_query_over_the_time_limit_is_stopped(tiny: Path) -> None:
    c = TestClient(create_app(tiny, timeout=1e-9, warm=False))
    r = c.get("/api/dyads/IRN/ARM/events")
    assert r.status_code == 503 and "took longer than" in r.json()["error"]


def test_internal_errors_hide_their_details(tiny: Path) -> None:
    app = create_app(tiny, warm=False)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    r = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500 and "secret" not in r.text and "internal error" in r.json()["error"]


def test_store_is_opened_read_only(tiny: Path) -> None:
    app = create_app(tiny, warm=False)
    with TestClient(app) as c:
        assert c.get("/api/sources").status_code == 200
        store = app.state.handle.request_store()
        with pytest.raises(Exception, match="read-only"):
            store.con.execute("DELETE FROM events")


# -- schemathesis: no input the schema allows makes a 5xx -------------------------------------------
@pytest.fixture(scope="module")
def api_schema(tiny: Path):
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(tiny, warm=False))


schema = schemathesis.pytest.from_fixture("api_schema")


FUZZ_EXAMPLES = 100  # per operation; 14 operations, a few with small input spaces: >= 1,000 examples in all
FUZZ_CALLS: list[str] = []


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None)  # health checks on
def test_api_fuzz_finds_no_server_error(case) -> None:
    from schemathesis import checks as sc

    FUZZ_CALLS.append(case.operation.label)
    case.call_and_validate(checks=[sc.not_a_server_error, sc.status_code_conformance, sc.content_type_conformance,
                                   sc.response_headers_conformance, sc.response_schema_conformance])


def test_api_fuzz_ran_at_least_1000_examples() -> None:
    if not FUZZ_CALLS:
        pytest.skip("run together with test_api_fuzz_finds_no_server_error")
    print(f"schemathesis: {len(FUZZ_CALLS)} examples over {len(set(FUZZ_CALLS))} operations")
    assert len(FUZZ_CALLS) >= 1000, f"{len(FUZZ_CALLS)} examples over {len(set(FUZZ_CALLS))} operations"


# -- the bundled real data: API equals the stage functions, pages equal their JSON twins -------------
@pytest.fixture(scope="module")
def api(bundled_store_path: Path) -> str:
    return shared_site(bundled_store_path)


class Cells(HTMLParser):
    """Text of every cell of the table with the given id, row by row."""

    def __init__(self, table_id: str):
        super().__init__()
        self.id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and ("id", self.id) in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell += data


def table(html: str, table_id: str) -> list[list[str]]:
    p = Cells(table_id)
    p.feed(html)
    return p.rows


def test_dyad_series_equals_relations(api: str, bundled_store) -> None:
    from detente import relations

    body = httpx.get(f"{api}/api/dyads/IRN/ARM", params={"freq": "year"}, timeout=60).json()
    want = relations.dyad_series(bundled_store, "IRN", "ARM", freq="year")
    assert body["total"] == len(want) and len(body["points"]) == len(want)
    assert len(want) >= 6  # gdelt_network 2018-2024 and icews 2021-2022: the loop below has work to do
    got = {(p["dataset"], p["period"][:4]): p["index"] for p in body["points"]}
    for r in want.itertuples():
        v = got[(r.dataset, str(r.start)[:4])]
        assert (v is None and r.index != r.index) or v == pytest.approx(r.index)


def test_dyad_page_shows_what_its_twin_returns(api: str) -> None:
    twin = httpx.get(f"{api}/dyads/IRN/ARM.json", params={"period": "post-war"}, timeout=60).json()
    page = httpx.get(f"{api}/dyads/IRN/ARM", params={"period": "post-war"}, timeout=60).text
    rows = table(page, "points")[1:]
    assert [r[0] for r in rows] == [p["period"] for p in twin["points"]]
    k = twin["columns"].index("index") + 1
    for r, p in zip(rows, twin["points"], strict=True):
        assert r[k] == ("–" if p["index"] is None else f"{p['index']:.4g}")
    assert twin["start"] == "2020-11-11" and twin["end"] == "2023-09-18"


def test_claims_page_equals_twin_and_api(api: str) -> None:
    twin = httpx.get(f"{api}/claims.json", timeout=300).json()
    assert twin["status"] == "ok" and len(twin["items"]) == 13
    rows = table(httpx.get(f"{api}/claims", timeout=60).text, "claims")[1:]
    assert [(r[0], r[2]) for r in rows] == [(c["id"], c["verdict"].replace("_", " ")) for c in twin["items"]]
    assert sum(twin["counts"].values()) == 13
    api_claims = httpx.get(f"{api}/api/claims", params={"limit": 5}).json()
    assert api_claims["total"] == 13 and [c["id"] for c in api_claims["items"]] == ["C1", "C2", "C3", "C4", "C5"]
    one = httpx.get(f"{api}/api/claims/C1").json()
    assert one["verdict"] == twin["items"][0]["verdict"] and one["text"] == twin["items"][0]["text"]
    assert httpx.get(f"{api}/api/claims/C99").status_code == 404
    # each claim lists its tests below the evidence floor; an uncovered window is no data, not low evidence
    low = {c["id"]: c["low_evidence_tests"] for c in twin["items"]}
    assert low["C4"] == [] and "gdelt_network: post-war: cooperative IRN-NKR" in low["C9"]
    assert not any(t.startswith("icews: pre-war") for t in low["C9"])
    # the claim page's tests table names the days each test rests on, as its twin does
    c1 = httpx.get(f"{api}/claims/C1.json", timeout=120).json()
    tests = table(httpx.get(f"{api}/claims/C1", timeout=60).text, "components")
    head = tests[0]
    i, j = head.index("covered days"), head.index("days with data")
    assert [(r[i], r[j].replace(" (low evidence)", "")) for r in tests[1:]] == [
        (str(t["covered_days"]) if t["covered_days"] is not None else "–",
         str(t["days_with_data"]) if t["days_with_data"] is not None else "–") for t in c1["components"]]


def test_network_page_equals_twin(api: str) -> None:
    twin = httpx.get(f"{api}/network.json", params={"period": "war"}, timeout=120).json()
    assert twin["status"] == "ok" and twin["period"] == "war"
    rows = table(httpx.get(f"{api}/network", params={"period": "war"}, timeout=60).text, "edges")[1:]
    assert [(r[0], r[1], int(r[2])) for r in rows] == [(e["a"], e["b"], e["sign"]) for e in twin["edges"]]
    assert {n["id"] for n in twin["nodes"]} >= {"ARM", "AZE", "IRN", "TUR"}
    page = httpx.get(f"{api}/network", params={"period": "post-war"}, timeout=60).text
    post = httpx.get(f"{api}/network.json", params={"period": "post-war"}, timeout=120).json()
    split = " ".join(f"[{', '.join(b)}]" for b in post["partition"])
    assert split in page and len(post["ties"]) > 1  # post-war: several splits tie, and the page says so
    assert f"one of {len(post['ties'])} splits that leave as few edges frustrated" in page
    bad = httpx.get(f"{api}/api/network", params={"period": "someday"})
    assert bad.status_code == 400 and "post-war" in bad.json()["error"]


def test_anomalies_strongest_first(api: str) -> None:
    body = httpx.get(f"{api}/api/anomalies", params={"limit": 5}, timeout=120).json()
    scores = [abs(x["score"]) for x in body["items"]]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)
    assert all(s >= body["threshold"] for s in scores) and body["total"] == body["flagged"]


def test_overview_lists_every_dataset(api: str, bundled_store) -> None:
    twin = httpx.get(f"{api}/index.json").json()
    names = [s["name"] for s in bundled_store.sources()]
    assert [d["name"] for d in twin["sources"]["datasets"]] == names
    rows = table(httpx.get(f"{api}/").text, "datasets")[1:]
    assert [r[0] for r in rows] == names
    assert re.search(r"/dyads/[A-Z]{3}/[A-Z]{3}", httpx.get(f"{api}/").text)


def test_pages_carry_the_summary_and_their_chart_specs(api: str) -> None:
    index = httpx.get(f"{api}/index.json", timeout=60).json()
    assert [x["text"] for x in index["legend"]] == ["supported", "contradicted", "mixed", "undecided",
                                                    "insufficient data"]
    icews = next(w for w in index["coverage"]["items"] if w["dataset"] == "icews")
    assert icews["gaps"] == [["2021-09", "2021-12"]] and "2021-09..2021-12" in icews["text"]
    assert icews["text"] in httpx.get(f"{api}/", timeout=60).text
    dyad = httpx.get(f"{api}/dyads/IRN/ARM.json", timeout=60).json()
    assert dyad["chart"]["gaps"] == [{"series": "icews", "start": "2021-09-01", "end": "2021-12-01"}]
    assert dyad["chart"]["ylabel"] == "index (‰ of world volume)" and len(dyad["chart"]["series"]) <= 4
    page = httpx.get(f"{api}/dyads/IRN/ARM", timeout=60).text
    assert page.count('class="gap"') == 1 and "<script src=\"/static/chart.js\"" not in page
    claims = httpx.get(f"{api}/claims.json", timeout=300).json()
    assert all(c["words"] and c["robustness"]["label"] for c in claims["items"])
    rows = table(httpx.get(f"{api}/claims", timeout=60).text, "claims")[1:]
    for r, c in zip(rows, claims["items"], strict=True):
        assert all(d["unit"] in r[3] for d in c["decisive"])
        assert r[4].startswith(c["robustness"]["label"])
    one = httpx.get(f"{api}/claims/C1.json", timeout=60).json()
    assert one["summary_first"]["verdict"] == one["verdict"] and one["summary_first"]["decisive"]


def test_detente_serve_command(tiny: Path) -> None:
    import subprocess
    import sys
    import time

    from out_fixtures import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "detente", "serve", "--store", str(tiny), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/cite", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["bibtex"] == BIBTEX
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)


# -- cache keys of case objects ------------------------------------------------------------------------------
def test_case_objects_are_cached_by_content_not_by_id() -> None:
    """views keyed case objects by id(case); CPython hands a freed object's id to the next one, so a new case
    could be served an old case's verdicts. Keys are now the case's content (or a token of its own)."""
    import gc

    from detente import views
    from detente.case import Case

    def make(note: str) -> Case:
        return Case(name="same_name", title="t", actors={"ARM": "Armenia", "AZE": "Azerbaijan"}, periods={},
                    description=note)

    a, b = make("one"), make("one")  # equal content, two live objects (two ids)
    assert views._claims_key(a, a) == views._claims_key(b, b)
    keys = []
    for i in range(20):  # each freed before the next is made: ids get reused, contents differ
        c = make(f"variant {i}")
        keys.append(views._claims_key(c, c))
        del c
        gc.collect()
    assert len(set(keys)) == 20
    assert views._claims_key("south_caucasus", a) == ("claims", "same_name", 0)  # a named case: its name


def test_case_token_of_an_object_without_content_form_is_its_own() -> None:
    from detente import views

    class Opaque:  # no dataclass, no dict: no content to hash
        pass

    x, y = Opaque(), Opaque()
    assert views.case_token(x) == views.case_token(x) != views.case_token(y)


def test_dyad_page_names_the_days_it_rests_on(tiny_api: str) -> None:
    """The tiny dataset has events on 7 days (its covered days), IRN-ARM on 6 of them: below the 30-day floor."""
    twin = httpx.get(f"{tiny_api}/dyads/IRN/ARM.json").json()
    assert [(e["dataset"], e["covered_days"], e["active_days"], e["low_evidence"]) for e in twin["evidence"]] == [
        ("tiny", 7, 6, True)]
    html = httpx.get(f"{tiny_api}/dyads/IRN/ARM").text
    table = html[html.index('id="rests-on"'):html.index("</table>", html.index('id="rests-on"'))]
    assert '<tr class="low-evidence"><td>tiny</td><td class="n">7</td><td class="n">6</td>' in table
    assert "fewer than 30 days with data" in table
