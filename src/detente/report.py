"""The report: one self-contained HTML file (plots inlined as SVG, CSS inlined), its JSON twin, and PDF.

``build(store, case)`` gathers every section through :mod:`detente.views` (each section calls one
stage's public function); ``render_html`` fills ``templates/report.html``; ``write`` writes the HTML
(or PDF through headless Chromium) plus ``<name>.json`` holding the same numbers. A section whose
stage fails says "section unavailable: <reason>" instead of breaking the report.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from detente import report_figures as figs
from detente import views
from detente.errors import UserError

CHROMIUM = Path("/usr/bin/chromium")
MIN_VOTES = 10  # dyad-years with fewer shared roll calls are left out of the agreement plot and table

__all__ = ["Report", "build", "from_cache", "render_html", "write"]


@dataclass
class Report:
    """A gathered report: ``data`` is the JSON twin (every number shown), ``figures`` the chart specs by id.

    Examples
    --------
    >>> Report({"title": "hand-made"}).figures
    {}
    """

    data: dict  # the JSON twin: every number the report shows
    figures: dict[str, str] = field(default_factory=dict)  # id -> inline SVG


CHART_DRAWS = 200  # bootstrap draws behind the dyad charts' intervals (passed to dyad_frame, stated in the glossary)


# -- gathering ------------------------------------------------------------------------------------
def dyads_section(store: Any, summary: dict, pairs: list[tuple[str, str]], freq: str, rep: Report,
                  breaks: bool = True, cache: dict | None = None) -> dict:
    """Each dyad's series (one ``dyad_frame`` call for every dyad and period) with its 95% interval, the case's
    periods shaded, gaps in a dataset's coverage left undrawn, crises and breaks marked."""
    rel = views.stage("relations")
    from detente.periods import cut

    known = set(_known(store, cache))
    skipped = [f"{a}-{b}" for a, b in pairs if a not in known or b not in known]
    pairs = [(a, b) for a, b in pairs if a in known and b in known]
    if not pairs:
        raise UserError(f"no dyad of the case has data in the store (skipped {', '.join(skipped)}); "
                        "`detente sources` shows what is loaded")
    actors = sorted({a for p in pairs for a in p})
    cov = [d for d in _datasets(store, cache) if d.start and d.end]
    if not cov:
        raise UserError("the store holds no dated data; run `detente init`")
    lo, hi = min(d.start for d in cov), max(d.end for d in cov)
    # every pair of the actors is computed; only the case's pairs are kept
    df = rel.dyad_frame(store, actors, cut(freq, lo, hi), ci=True, n_boot=CHART_DRAWS)
    want = {tuple(sorted(p)) for p in pairs}
    frame = views.records(df[[tuple(sorted(p)) in want for p in zip(df.actor_a, df.actor_b, strict=True)]])
    try:
        anomalies = _anomalies(store, pairs, breaks)
        marks_info = anomalies.pop("_info")
    except (views.Unavailable, UserError) as e:
        anomalies, marks_info = {}, {"status": str(e).splitlines()[0]}
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for r in frame:
        by_pair.setdefault(tuple(sorted((r["actor_a"], r["actor_b"]))), []).append(r)
    items = []
    for a, b in pairs:
        series: dict[str, list] = {}
        for r in by_pair.get(tuple(sorted((a, b))), []):
            ok = r.get("covered") is not False
            series.setdefault(r["dataset"], []).append(
                {"period": r["start"], "index": r.get("index") if ok else None,
                 "ci_low": r.get("ci_low") if ok else None, "ci_high": r.get("ci_high") if ok else None,
                 "covered": r.get("covered"), "n": r.get("n_events", r.get("n_days"))})
        marks = anomalies.get((a, b), [])
        fid = f"dyad-{a}-{b}"
        rep.figures[fid] = figs.line_chart(
            [{"name": ds, "points": [[p["period"], p["index"], p["ci_low"], p["ci_high"]] for p in pts]}
             for ds, pts in list(series.items())[:figs.MAX_LINES]],
            bands=summary["periods"], marks=marks, title=f"{a}–{b}: {freq}ly index with 95% interval",
            ylabel="index (‰ of world volume)", xlabel=freq)
        items.append({"a": a, "b": b, "figure": fid, "series": series, "marks": marks,
                      "gaps": rep.figures[fid]["gaps"]})
    return {"freq": freq, "measure": "index: 1000 x dyad score / world absolute score on the same days",
            "marks": marks_info, "skipped": skipped, "items": items}


def _known(store: Any, cache: dict | None) -> list[str]:
    """The actors the store knows, once per report (memoised in ``cache``)."""
    return views._cached(cache, ("known_actors",), lambda: views.stage("relations").known_actors(store))


def _datasets(store: Any, cache: dict | None) -> list:
    return views._cached(cache, ("datasets",), lambda: views.stage("relations").datasets(store))


def _anomalies(store: Any, pairs: list[tuple[str, str]], with_breaks: bool, top: int = 5) -> dict:
    """Marks per dyad: its ``top`` strongest crises (anomalies.anomalies) and, when asked, structural breaks."""
    mod = views.stage("anomalies")
    actors = sorted({a for p in pairs for a in p})
    found = mod.anomalies(store, actors)
    days = mod.daily(store, actors) if with_breaks else None  # one query for every dyad's breaks
    rows = views.records(found.rows)
    out: dict = {"_info": {"flagged": found.flagged, "scored": found.scored, "flag_rate": found.flag_rate,
                           "threshold": getattr(mod, "THRESHOLD", None), "window": getattr(mod, "WINDOW", None),
                           "breaks": "computed" if with_breaks else "not computed (--no-breaks)"}}
    for a, b in pairs:
        mine = [r for r in rows if {r["actor_a"], r["actor_b"]} == {a, b}]
        mine.sort(key=lambda r: -abs(r.get("score") or 0))
        marks = [{"date": str(r["date"])[:10], "label": _crisis_label(r),
                  "kind": "crisis", "score": r["score"]} for r in mine[:top]]
        if with_breaks:
            mine_daily = days[((days["actor_a"] == a) & (days["actor_b"] == b))
                              | ((days["actor_a"] == b) & (days["actor_b"] == a))]
            if mine_daily.empty:
                continue
            for r in views.records(mod.breaks_in(mine_daily)):
                marks.append({"date": str(r["date"])[:10], "kind": "break",
                              "label": f"break: mean {r['mean_before']:.2f} -> {r['mean_after']:.2f} "
                                       f"(confidence {r['confidence']:.1f})"})
        out[(a, b)] = sorted(marks, key=lambda m: m["date"])
    return out


def _crisis_label(r: dict) -> str:
    """A flagged day in words: the direction of the jump, not a 'cooperative crisis'."""
    word = {"conflictual": "conflict spike", "cooperative": "cooperation spike"}.get(r.get("direction"),
                                                                                     "unusual day")
    return f"{word} (robust z = {r['score']:.1f})"


def network_section(store: Any, case: Any, summary: dict, rep: Report, cache: dict, text: bool = False) -> dict:
    """The signed network of the case's actors in each of its periods. For a text (``text``) it is not
    computed: the text's claims are tested on their own dyads, and a network per claim period of every actor
    the text names cost most of such a report; the reason names the command that draws one."""
    if text:
        acts = ",".join(summary["actors"][:8])
        p = summary["periods"][-1] if summary["periods"] else {}
        last = f"{p.get('start') or ''}:{p.get('end') or ''}" if p else "START:END"
        raise UserError("not computed for a text (its claims are tested on their dyads); draw the network of its "
                        f"actors with `detente network --actors {acts} --period {last}`")
    periods = []
    for p in summary["periods"]:
        net = views.network(store, case, p["name"], cache=cache)
        if net["status"] == "ok":
            fid = f"network-{p['name']}"
            rep.figures[fid] = figs.network_chart(net["nodes"], net["edges"], title=p["name"])
            net = {**net, "figure": fid}
        net.pop("periods", None)
        net.pop("store", None)
        periods.append({"name": p["name"], **net})
    if all(p["status"] != "ok" for p in periods):
        raise UserError(periods[0].get("reason", "no period could be built") if periods else "the case has no periods")
    return {"periods": periods}


def alignment_section(store: Any, pairs: list[tuple[str, str]], rep: Report, since: int = 2008,
                      periods: list[dict] | None = None) -> dict:
    """UN General Assembly vote agreement of the case's dyads per year (alignment.vote_agreement)."""
    mod = views.stage("alignment")
    actors = sorted({a for p in pairs for a in p})
    rows = views.records(mod.vote_agreement(store, actors, start=since))
    wanted = {tuple(sorted(p)) for p in pairs}
    few = sorted({r["year"] for r in rows if (r.get("n_votes") or 0) < MIN_VOTES})
    rows = [r for r in rows if (r["actor_a"], r["actor_b"]) in wanted and (r.get("n_votes") or 0) >= MIN_VOTES]
    if not rows:
        raise UserError(f"no UN roll calls in the store for {', '.join(actors)} since {since}; "
                        "`detente sources` shows what is loaded")
    years = sorted({r["year"] for r in rows})
    table = []
    for a, b in sorted(wanted):
        by_year = {r["year"]: r for r in rows if (r["actor_a"], r["actor_b"]) == (a, b)}
        table.append({"dyad": f"{a}-{b}", **{str(y): by_year[y]["agree"] if y in by_year else None for y in years}})
    series = [{"name": t["dyad"], "points": [[f"{y}-07-01", t[str(y)]] for y in years]} for t in table]
    groups = figs.split(series)
    fids = []
    for k, g in enumerate(groups):
        fid = "alignment" if k == 0 else f"alignment-{k}"
        rep.figures[fid] = figs.line_chart(g, title="UN General Assembly vote agreement per year",
                                           ylabel="agreement (0 opposite .. 1 alike)", xlabel="year", zero=False)
        fids.append(fid)
    last = max(years)
    return {"measure": "agree = 1 - mean |vote_a - vote_b| over shared roll calls (yes 1, abstain 0.5, no 0)",
            "min_votes": MIN_VOTES, "years_left_out": few, "years": years, "table": table, "items": rows,
            "figure": fids[0], "figures": fids, "last_year": last,
            "coverage_note": _votes_note(last, periods or [])}


def _votes_note(last: int, periods: list[dict]) -> str:
    later = [p["name"] for p in periods if (p.get("start") or "0001") > f"{last}-12-31"]
    if not later:
        return f"The UN-vote data in the store end in {last}."
    return (f"The UN-vote data in the store end in {last}: nothing here measures {', '.join(later)}; read the "
            "lines as each dyad's alignment before them, not as evidence of a change after.")


def scenarios_section(store: Any, case: Any, summary: dict, cache: dict) -> dict:
    """Every scenario file of the case run on its period's measured network, plus the hindcast."""
    sim = views.stage("simulate")
    folder = Path(summary["path"]).parent / "scenarios" if summary.get("path") else None
    files = sorted(folder.glob("*.yaml")) if folder and folder.is_dir() else []
    items = []
    for f in files:
        sc = sim.load_scenario(f)
        net = views.signed_network(store, case, sc.period, cache)
        res = views.jsonable(sim.run(net, sc, model=getattr(sc, "model", None) or "balance",
                                     steps=getattr(sc, "steps", None) or 20))
        vs = res["versus_baseline"]
        items.append({"file": f.name, "name": sc.name, "description": sc.description, "period": sc.period,
                      "model": res["model"], "steps": res["steps"], "remove": sc.remove,
                      "changes": res["scenario"]["changes"], "sign_changes": vs["sign_changes"],
                      "balance_ratio": vs["balance_ratio"], "frustration": vs["frustration"],
                      "blocs": vs["blocs"], "edges": vs["edges"]})
    hind = None
    periods = [p["name"] for p in summary["periods"]]
    if "pre-war" in periods and "post-war" in periods:
        known = set(_known(store, cache))
        hind = views.jsonable(sim.hindcast(store, [a for a in summary["actors"] if a in known], start="pre-war",
                                           target="post-war", case=case))
    if not items and hind is None:
        raise UserError("the case has no scenarios/ folder and no pre-war/post-war periods to hindcast")
    return {"items": items, "hindcast": hind}


def build(store: Any, case: Any = "south_caucasus", text: str | None = None, freq: str = "month",
          title: str | None = None, breaks: bool = True, results: list | None = None) -> Report:
    """Gather every section of the report for ``case`` (a name, path or Case) or the claims in ``text``.

    ``results``: the case's claims already evaluated (``claims.evaluate``), so they are not tested twice.

    Parameters
    ----------
    store : Store
        An open store (read-only is enough: nothing is written to it).
    case : str, path or Case
        A built-in case's name, a case.yaml path or a loaded case.
    text : str, optional
        An analyst's text: its claims are extracted and tested instead of the case's.
    freq : str
        Period length of the dyad series (``"month"``, ``"quarter"``, ...).
    title : str, optional
        Default ``"detente report: <case title>"``.
    breaks : bool
        Mark structural breaks on the dyad series (slower).
    results : list, optional
        Claims already evaluated.

    Returns
    -------
    Report
        ``data["sections"]``: summary, claims, dyads, alignment, network, scenarios, coverage; a section whose
        stage cannot run is ``{"status": "unavailable", "reason": ...}`` and the report still renders.

    Examples
    --------
    A hand-made store with two days of one dyad, and a case with no claims: the dyad series is drawn, the
    sections that need UN votes or the GDELT network say why they are missing:

    >>> import os, tempfile
    >>> from datetime import date
    >>> from detente.store import Store
    >>> folder = tempfile.mkdtemp()
    >>> s = Store(os.path.join(folder, "tiny.duckdb"))
    >>> _ = s.con.executemany(
    ...     "INSERT INTO dyad_days (date, actor_a, actor_b, directed, score, dataset, file) "
    ...     "VALUES (?, ?, ?, false, ?, 'net', 'hand')",
    ...     [(date(2021, 1, 1), "ARM", "AZE", -3.0), (date(2021, 1, 2), "ARM", "AZE", -1.0)])
    >>> _ = s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) "
    ...                   "VALUES ('net', 'hand-made', DATE '2021-01-01', DATE '2021-01-02')")
    >>> case = os.path.join(folder, "case.yaml")
    >>> _ = open(case, "w").write("{name: two_states, actors: [ARM, AZE], periods: {all: {start: null, end: null}}, "
    ...                           "hypotheses: []}")
    >>> rep = build(s, case=case, freq="day", breaks=False)
    >>> {k: v["status"] for k, v in rep.data["sections"].items()}
    {'summary': 'ok', 'claims': 'ok', 'dyads': 'ok', 'alignment': 'unavailable', 'network': 'unavailable', 'scenarios': 'unavailable', 'coverage': 'ok'}
    >>> rep.data["title"], sorted(rep.figures)
    ('detente report: two_states', ['dyad-ARM-AZE'])
    >>> s.close()
    """
    t0 = time.perf_counter()
    cache: dict = {}
    rep = Report({})
    timings: dict[str, float] = {}

    def timed(name: str, title_: str, fn: Any) -> dict:
        t = time.perf_counter()
        out = views.section(title_, fn)
        timings[name] = round(time.perf_counter() - t, 3)
        return out

    # the claims (the longest part) are tested in a child process (the other core), started first: a text's
    # child reads the world's weekly sums while the parent extracts the claims and sends it the case; a named
    # case's child imports and loads its case while the parent reads those sums and hands them over
    early = None
    if results is None and (text is not None or isinstance(case, str | Path)):
        early = _spawn_child(store, None if text is not None else case, text)
    try:
        if text is not None:
            extract = views.stage("extract")
            case = views.call(extract.case_from_text, text, store=store) if hasattr(extract, "case_from_text") \
                else extract.extract_claims(text)
            if early is not None:
                early.send(case=case)  # the child reads the world's sums meanwhile instead of extracting again
        try:
            case_obj = views.load_case(case, cache)
            summary = views.case_summary(case_obj)
        except views.Unavailable:  # no claims stage: actors and periods from the network stage
            case_obj, summary = case, views.load_case_or_setup(case, cache)
        pairs = views.case_dyads(case_obj, summary)
    except BaseException:
        if early is not None:
            early.cancel()
        raise
    if results is not None:
        views.remember_evaluation(cache, case_obj, views.records(results))  # as views._evaluate stores them
        pending = None
    else:
        # when no child could start above, the claims run here, in a child or a thread (_start_claims)
        pending = early or _start_claims(store, None if text is not None else case, case_obj)
        if text is None:
            pending.send_weekly(store)  # read once here, where the networks need them first, not in both
    s: dict[str, dict] = {}
    periods = summary["periods"]
    # the dyads come after the networks: by then the child process has marked their unusual days and breaks
    s["network"] = timed("network", "The regional network per period",
                         lambda: network_section(store, case_obj, summary, rep, cache, text=text is not None))
    s["scenarios"] = timed("scenarios", "Scenarios", lambda: scenarios_section(store, case_obj, summary, cache))
    s["alignment"] = timed("alignment", "UN vote agreement",
                           lambda: alignment_section(store, pairs, rep, periods=periods))
    s["dyads"] = timed("dyads", "Dyad relations over time",
                       lambda: dyads_section(store, summary, pairs, freq, rep, breaks, cache))
    s["coverage"] = timed("coverage", "Data coverage and citations", lambda: views.sources(store))
    t_wait = time.perf_counter()
    if pending is not None:
        _finish_claims(pending, case_obj, cache)
    timings["claims_wait"] = round(time.perf_counter() - t_wait, 3)
    s["claims"] = timed("claims", "Claims and verdicts", lambda: claims_section(store, case_obj, rep, cache))
    s["summary"] = timed("summary", "Summary: the verdicts", lambda: summary_section(store, case_obj, summary,
                                                                                      cache))
    prov = views.provenance(store, {"case": summary["name"], "case_file": summary.get("path"), "freq": freq,
                                    "breaks": breaks, "dyads": [f"{a}-{b}" for a, b in pairs]})
    prov["seconds"] = round(time.perf_counter() - t0, 2)
    prov["section_seconds"] = timings
    order = ["summary", "claims", "dyads", "alignment", "network", "scenarios", "coverage"]
    rep.data = views.jsonable({
        "title": title or f"detente report: {summary['title']}",
        "case": summary,
        "provenance": prov,
        "sections": {k: s[k] for k in order},
        "figures": rep.figures,
    })
    return rep


def summary_section(store: Any, case: Any, summary: dict, cache: dict) -> dict:
    """What an analyst reads first (report_summary): verdicts in words, decisive tests, coverage, legend."""
    from detente import report_summary as rs
    from detente.claims.run import bootstrap_draws

    rows = views._evaluate(store, case, cache)
    cov = rs.coverage(store)
    draws = (bootstrap_draws(views.load_case(case, cache)), CHART_DRAWS)  # what _evaluate ran with, and the charts
    return rs.summary(rows, cov, summary["periods"], summary.get("datasets"), draws=draws)


# -- rendering ------------------------------------------------------------------------------------
def render_html(rep: Report) -> str:
    """The report as one self-contained HTML page (CSS and every chart inlined as SVG).

    Parameters
    ----------
    rep : Report
        From :func:`build` or :func:`from_cache`.

    Returns
    -------
    str
        The HTML text; an unavailable section shows "Section unavailable: <reason>".

    Examples
    --------
    >>> import os, tempfile
    >>> from datetime import date
    >>> from detente.store import Store
    >>> folder = tempfile.mkdtemp()
    >>> s = Store(os.path.join(folder, "tiny.duckdb"))
    >>> _ = s.con.executemany(
    ...     "INSERT INTO dyad_days (date, actor_a, actor_b, directed, score, dataset, file) "
    ...     "VALUES (?, ?, ?, false, ?, 'net', 'hand')",
    ...     [(date(2021, 1, 1), "ARM", "AZE", -3.0), (date(2021, 1, 2), "ARM", "AZE", -1.0)])
    >>> _ = s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) "
    ...                   "VALUES ('net', 'hand-made', DATE '2021-01-01', DATE '2021-01-02')")
    >>> case = os.path.join(folder, "case.yaml")
    >>> _ = open(case, "w").write("{name: two_states, actors: [ARM, AZE], periods: {all: {start: null, end: null}}, "
    ...                           "hypotheses: []}")
    >>> html = render_html(build(s, case=case, freq="day", breaks=False))
    >>> html.startswith("<!doctype html>"), html.count("Section unavailable:"), "<svg" in html
    (True, 3, True)
    >>> s.close()
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("detente", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    css = (Path(__file__).resolve().parent / "templates" / "report.css").read_text()
    svgs = {k: figs.svg(v) for k, v in rep.figures.items()}
    return env.get_template("report.html").render(r=rep.data, figs=svgs, css=css)


def write(rep: Report, out: Path, pdf: bool = False) -> dict[str, Path]:
    """Write the report (HTML, or PDF when ``pdf``) and its JSON twin next to it; returns the paths.

    Parameters
    ----------
    rep : Report
        From :func:`build` or :func:`from_cache`.
    out : Path
        The HTML (or PDF) file; its folder is made when missing.
    pdf : bool
        Print to PDF through headless Chromium (needs ``detente[pdf]`` and a Chromium).

    Returns
    -------
    dict of str to Path
        ``html`` (or ``pdf``) and ``json``.

    Examples
    --------
    >>> import json, tempfile
    >>> from datetime import date
    >>> from pathlib import Path
    >>> from detente.store import Store
    >>> folder = Path(tempfile.mkdtemp())
    >>> s = Store(folder / "tiny.duckdb")
    >>> _ = s.con.executemany(
    ...     "INSERT INTO dyad_days (date, actor_a, actor_b, directed, score, dataset, file) "
    ...     "VALUES (?, ?, ?, false, ?, 'net', 'hand')",
    ...     [(date(2021, 1, 1), "ARM", "AZE", -3.0), (date(2021, 1, 2), "ARM", "AZE", -1.0)])
    >>> _ = s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) "
    ...                   "VALUES ('net', 'hand-made', DATE '2021-01-01', DATE '2021-01-02')")
    >>> _ = (folder / "case.yaml").write_text("{name: two_states, actors: [ARM, AZE], "
    ...                                       "periods: {all: {start: null, end: null}}, hypotheses: []}")
    >>> paths = write(build(s, case=str(folder / "case.yaml"), freq="day", breaks=False), folder / "out" / "r.html")
    >>> {k: p.name for k, p in paths.items()}
    {'html': 'r.html', 'json': 'r.json'}
    >>> json.loads(paths["json"].read_text())["case"]["name"]
    'two_states'
    >>> s.close()
    """
    import json

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(rep)
    paths = {}
    if pdf:
        target = out if out.suffix.lower() == ".pdf" else out.with_suffix(".pdf")
        html_to_pdf(html, target)
        paths["pdf"] = target
    else:
        out.write_text(html, encoding="utf-8")
        paths["html"] = out
    twin = out.with_suffix(".json")
    twin.write_text(json.dumps(rep.data, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["json"] = twin
    return paths


def check_output(out: Path, pdf: bool = False, chromium: Path | None = None) -> None:
    """Refuse, before any work, an output the report cannot be written to (for --pdf: no browser to print it)."""
    if out.is_dir():
        raise UserError(f"{out} is a directory; give a file name such as {out / 'report.html'}")
    if out.suffix.lower() == ".json":
        raise UserError(f"{out}: the JSON twin is written next to the report; give a .html name (or .pdf with --pdf)")
    if pdf:
        check_browser(chromium)


def check_browser(chromium: Path | None = None) -> None:
    """--pdf prints with Playwright driving Chromium: both must be installed (one line says how)."""
    import importlib.util

    chromium = Path(chromium or CHROMIUM)
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("pip install 'detente[pdf]'")
    if not Path(chromium).exists():
        missing.append(f"apt-get install -y chromium (expected at {chromium})")
    if missing:
        raise UserError(f"--pdf needs Playwright and Chromium: {'; '.join(missing)}; or write HTML and print it "
                        "from a browser")


def html_to_pdf(html: str, target: Path, chromium: Path | None = None) -> None:
    """Print ``html`` to PDF with headless Chromium (Playwright)."""
    check_output(target, pdf=True, chromium=chromium)
    chromium = Path(chromium or CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # paper: all shown
            page.emulate_media(media="print")
            page.pdf(path=str(target), format="A4", print_background=True,
                     margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()


def from_cache(data: dict) -> Report:
    """A report from its cached JSON twin: the same numbers and charts, a new generation time.

    Parameters
    ----------
    data : dict
        A report's ``data`` (the JSON twin :func:`write` writes).

    Returns
    -------
    Report
        ``provenance`` says when the sections were computed and that they came from the cache.

    Examples
    --------
    >>> rep = from_cache({"title": "t", "provenance": {"generated_at": "2026-01-01T00:00:00"}, "figures": {}})
    >>> rep.data["provenance"]["computed_at"], rep.data["provenance"]["cache"]
    ('2026-01-01T00:00:00', "sections computed 2026-01-01T00:00:00, read from the store's cache")
    """
    data = dict(data)
    prov = dict(data.get("provenance") or {})
    prov["computed_at"] = prov.get("generated_at")
    prov["generated_at"] = views.provenance(None)["generated_at"]
    prov["cache"] = f"sections computed {prov['computed_at']}, read from the store's cache"
    data["provenance"] = prov
    return Report(data, dict(data.get("figures") or {}))


def today() -> str:
    return date.today().isoformat()


def evaluate_main(argv: list[str] | None = None) -> None:
    """Child-process entry: ``STORE CASE`` (CASE: a name, a path, or ``text:FILE``) -> one JSON line on stdout
    with the evaluated claims. The parent sends one line on stdin (see :meth:`Pending.send`): for a named case
    the world's weekly sums it has read (so they are aggregated once per report, not in both processes), for a
    text the case it extracted; the parent marks the dyads meanwhile."""
    import json
    import sys

    from detente.store import Store

    args = (argv or sys.argv[1:])
    store_path, case = args[:2]
    s = Store(store_path, read_only=True)
    try:
        if case.startswith("text:"):  # an analyst's text: the claims the parent extracted from it
            the_case = _case_from_parent(s, Path(case[5:]))
        else:
            the_case = views.load_case(case)
            _from_parent(s)
        rows = views._evaluate(s, the_case, None)
    finally:
        s.close()
    sys.stdout.write(json.dumps(rows) + "\n")


def _from_parent(s: Any) -> Any:
    """Read the parent's line: take the weekly sums it names (see ``relations.save_weekly``) and return the case
    it sent, or None (an empty line, a closed pipe or a line that cannot be read: the child reads for itself)."""
    import base64
    import json
    import pickle
    import sys

    try:
        msg = json.loads(sys.stdin.readline() or "{}")
    except ValueError:
        return None
    if msg.get("weekly"):
        views.stage("relations").load_weekly(s, msg["weekly"])
    if msg.get("case"):
        try:
            return pickle.loads(base64.b64decode(msg["case"]))
        except (pickle.UnpicklingError, ValueError, EOFError, AttributeError, ImportError):
            return None
    return None


def _case_from_parent(s: Any, copy: Path) -> Any:
    """A text's child: while the parent extracts the claims, read the world's weekly sums (which every base rate
    is cut from; the parent of a text does not need them), then take the parent's extracted case; extract it
    from the text's copy only when the parent sent none."""
    views.stage("relations").warm(s, weekly=True)  # shared by every Reader of this store
    got = _from_parent(s)
    if got is not None:
        return got
    extract = views.stage("extract")
    return views.call(extract.case_from_text, copy.read_text(encoding="utf-8"), store=s)


class Pending:
    """The claims being evaluated meanwhile, in a child process or a thread."""

    def __init__(self, proc: Any = None, future: Any = None, tmp: Path | None = None):
        self.proc, self.future, self.tmp = proc, future, tmp  # tmp: the text's copy, if any
        self.folder: Any = None  # the weekly sums handed to the child (a TemporaryDirectory)

    def send(self, case: Any = None, weekly: list | None = None) -> None:
        """Send the child its one line: a text's ``case`` as the parent extracted it, and/or the files of the
        world's weekly sums (``relations.save_weekly``); a case that cannot be pickled is left out (the child
        extracts the text again)."""
        if self.proc is None or self.proc.stdin is None or self.proc.stdin.closed:
            return
        import base64
        import json
        import pickle

        msg: dict = {"weekly": [str(f) for f in weekly or []]}
        if case is not None:
            try:
                msg["case"] = base64.b64encode(pickle.dumps(case)).decode()
            except (pickle.PicklingError, TypeError, AttributeError):
                pass
        try:
            with self.proc.stdin:
                self.proc.stdin.write(json.dumps(msg) + "\n")
        except OSError:
            pass  # the child is gone: the claims section recomputes and says why

    def send_weekly(self, store: Any) -> None:
        """Read the world's weekly sums here (the parent's networks need them first) and hand them to the child
        through a temporary folder, removed when the claims are in."""
        if self.proc is None:
            return
        import tempfile

        files: list = []
        try:
            self.folder = tempfile.TemporaryDirectory(prefix="detente-weekly-")
            files = views.stage("relations").save_weekly(store, self.folder.name)
        except Exception:  # a hand-over that fails must not fail the report: the child reads the sums itself
            files = []
        self.send(weekly=files)  # always one line, so the child never waits for one

    def cleanup(self) -> None:
        """Remove the text's copy and the weekly sums' folder."""
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None

    def cancel(self) -> None:
        """Stop the child (the report failed before it needed it) and remove the text's copy."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc.stdout.close()
            if self.proc.stdin is not None and not self.proc.stdin.closed:
                try:
                    self.proc.stdin.close()
                except OSError:
                    pass
        self.cleanup()


def _start_claims(store: Any, case: Any, case_obj: Any) -> Pending:
    """Evaluate the claims meanwhile: in a child process (the other core) when the case has a name or path, else
    in a thread. (A text's child is started earlier, by :func:`build`, through :func:`_spawn_child`.) The claims
    with their robustness variants are the longer side, so the parent marks the dyads itself."""
    child = _spawn_child(store, case if isinstance(case, str | Path) else None, None)
    if child is not None:
        return child
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detente-claims")
    side = views.cursor_store(store)
    fut = pool.submit(views._evaluate, side, case_obj, None)
    fut.add_done_callback(lambda _f: side.con.close())
    pool.shutdown(wait=False)
    return Pending(future=fut)


def _spawn_child(store: Any, case: str | Path | None, text: str | None) -> Pending | None:
    """The child process of :func:`evaluate_main` for a named case (``case``) or a ``text`` (a temporary copy;
    the parent sends the case it extracted on stdin, the child extracts from the copy when none comes), or None
    when the store is not a file or no process starts."""
    import subprocess
    import sys
    import tempfile

    if not Path(getattr(store, "path", "")).is_file() or (case is None and text is None):
        return None
    tmp = None
    try:
        if case is None:
            with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="detente-text-", delete=False,
                                             encoding="utf-8") as f:
                f.write(text)
            tmp = Path(f.name)
        arg = f"text:{tmp}" if tmp is not None else str(case)
        code = "from detente.report import evaluate_main; evaluate_main()"
        proc = subprocess.Popen([sys.executable, "-c", code, str(store.path), arg],
                                stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return Pending(proc=proc, tmp=tmp)
    except OSError:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return None


def _finish_claims(handle: Pending, case_obj: Any, cache: dict) -> None:
    """Put the evaluated claims where ``views._evaluate`` finds them; on any failure leave them to be
    recomputed (and the reason reported) by the claims section."""
    import json

    try:
        if handle.proc is not None:
            with handle.proc.stdout:
                out = handle.proc.stdout.read()
            handle.proc.wait()
            if handle.proc.returncode != 0 or not out.strip():
                return
            rows = json.loads(out.strip().splitlines()[-1])
        else:
            rows = handle.future.result()
        views.remember_evaluation(cache, case_obj, rows)
    except (UserError, ValueError, LookupError, RuntimeError, OSError):
        pass
    finally:
        handle.cleanup()


def claims_section(store: Any, case: Any, rep: Report, cache: dict) -> dict:
    """The verdict table plus, per claim, its evidence: facts, test components, events and its series plots."""
    out = views.claims(store, case, cache=cache)
    if out["status"] != "ok":
        raise UserError(out["reason"])
    details = []
    periods = views.case_summary(views.load_case(case, cache))["periods"]
    for r in views._evaluate(store, case, cache):
        row = views.claim_row(r)
        cols = ["dataset", "period", "name", "effect", "lo", "hi", "p", "n", "expect", "outcome", "covered_days",
                "days_with_data", "low_evidence", "note"]
        comps = row.pop("components")
        tables = [{"name": "tests", "columns": [c for c in cols if any(c in x for x in comps)], "rows": comps}] \
            if comps else []
        fig_ids = []
        for k, spec in enumerate(views.claim_charts(store, r, periods)):
            fid = f"claim-{row['id']}-{k}"
            rep.figures[fid] = spec
            fig_ids.append(fid)
        details.append({**row, "tables": tables, "figures": fig_ids})
    return {**{k: v for k, v in out.items() if k not in ("title", "status", "store")}, "details": details}
