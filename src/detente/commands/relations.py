"""`detente relations | anomalies | breaks | votes`: thin commands over relations.py, anomalies.py, alignment.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli import Fmt, FmtOpt, StoreOpt, emit, err, handled, open_store, split_codes
from detente.errors import UserError
from detente.views import records

StartOpt = Annotated[str | None, typer.Option("--start", help="First day (YYYY-MM-DD, YYYY-MM or YYYY)")]
EndOpt = Annotated[str | None, typer.Option("--end", help="Last day (YYYY-MM-DD, YYYY-MM or YYYY)")]
DatasetOpt = Annotated[str | None, typer.Option("--dataset", help="Dataset (default: every dyad dataset)")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Also draw the series to FILE.png / .svg / .pdf")]
BackendOpt = Annotated[str, typer.Option("--backend", help="duckdb or spark")]


def _case_periods(lo, hi):
    from detente.periods import case_periods

    try:
        return case_periods(None, lo, hi)
    except UserError:
        return []


def relations_cmd(
    a: Annotated[str, typer.Argument(help="First actor (ISO3 code or name)")],
    b: Annotated[str, typer.Argument(help="Second actor")],
    freq: Annotated[str, typer.Option("--freq", help="day|week|month|quarter|year, or 'case' for the case's periods")]
    = "month",
    start: StartOpt = None,
    end: EndOpt = None,
    directed: Annotated[bool, typer.Option("--directed", help="A -> B only (event datasets)")] = False,
    dataset: DatasetOpt = None,
    no_ci: Annotated[bool, typer.Option("--no-ci", help="Skip the bootstrap interval")] = False,
    plot: PlotOpt = None,
    backend: BackendOpt = "duckdb",
    store: StoreOpt = None,
    format: FmtOpt = Fmt.table,
) -> None:
    """Relations of one dyad per period: counts, Goldstein, the volume-normalised index and its 95% interval.

    Examples: `detente relations AZE ARM`, `detente relations IRN ARM --freq quarter --start 2020-01-01 -f csv`.
    """
    from detente import periods as P
    from detente import relations as R

    s = open_store(store, read_only=True)
    ps = None
    if freq == "case" or freq.startswith("case:"):
        lo, hi = P.span(start, end)
        infos = R.datasets(s)
        lo = lo or min((d.start for d in infos if d.start), default=None)
        hi = hi or max((d.end for d in infos if d.end), default=None)
        ps = P.parse(freq, start=lo, end=hi)
    elif freq not in P.FREQS:
        raise UserError(f"unknown frequency {freq!r}; use one of {', '.join(P.FREQS)} or case")
    df = R.dyad_series(s, a, b, freq=freq, start=start, end=end, dataset=dataset, directed=directed,
                       backend=backend, ci=not no_ci, periods=ps)
    if plot:
        from detente import anomalies as AN
        from detente import plots

        lo, hi = df["start"].min(), df["end"].max()
        pair = [df.actor_a.iloc[0], df.actor_b.iloc[0]]
        try:  # marks are best effort: a short or non-daily series has none
            an = AN.anomalies(s, pair, lo, hi, dataset).rows
            br = AN.breaks(s, pair[0], pair[1], lo, hi, dataset)
        except UserError:
            an = br = None
        plots.series(df, plot, f"{pair[0]}-{pair[1]} ({freq})", _case_periods(lo, hi), anomalies=an, breaks=br)
        err.print(f"plot written to {plot}")
    for note in _no_data_notes(s, df):
        err.print(note, highlight=False, soft_wrap=True)
    if format is Fmt.table:
        keep = ["period", "dataset", "covered", "covered_days", "active_days", "low_evidence", "n_events",
                "goldstein_sum", "net_coop", "score_sum", "index", "ci_low", "ci_high"]
        df = df[[c for c in keep if c in df.columns]]
    emit(records(df), format, title=f"{a}-{b} relations (index: per mille of world volume, 95% bootstrap CI)")


def _no_data_notes(store, df) -> list[str]:
    """One line per dataset that holds nothing for the dyad in any period (its rows are NULL, never 0), naming
    the actor the dataset cannot hold or never records (``coverage.covers_actor``)."""
    from detente import coverage

    out = []
    if df.empty or "covered" not in df.columns:
        return out
    for ds, rows in df.groupby("dataset", sort=False):
        if rows["covered"].any():
            continue
        pair = [rows.actor_a.iloc[0], rows.actor_b.iloc[0]]
        gone = [a for a in pair if not coverage.covers_actor(store, str(ds), a)]
        why = (f": {' and '.join(gone)} {'is' if len(gone) == 1 else 'are'} never in it" if gone
               else " in these periods")
        out.append(f"{ds}: no data for {pair[0]}-{pair[1]}{why} (NULL, not 0)")
    return out


def anomalies_cmd(
    dyad: Annotated[tuple[str, str] | None, typer.Option("--dyad", help="One dyad: --dyad AZE ARM")] = None,
    actors: Annotated[str | None, typer.Option("--actors", help="Every dyad among these: AZE,ARM,TUR")] = None,
    start: StartOpt = None,
    end: EndOpt = None,
    dataset: DatasetOpt = None,
    threshold: Annotated[float, typer.Option(help="Flag |robust z| >= this")] = 6.0,
    window: Annotated[int, typer.Option(help="Trailing baseline window in days")] = 90,
    store: StoreOpt = None,
    format: FmtOpt = Fmt.table,
) -> None:
    """Days on which a dyad's relations jump away from their trailing baseline (robust z, median/MAD).

    Examples: `detente anomalies --dyad AZE ARM --start 2020-01-01 --end 2020-12-31`.
    """
    from detente import anomalies as AN

    names = list(dyad) if dyad else split_codes(actors)
    if not names or len(names) < 2:
        raise UserError("say which dyads: --dyad A B or --actors A,B,C")
    s = open_store(store, read_only=True)
    res = AN.anomalies(s, names, start, end, dataset, threshold=threshold, window=window)
    err.print(f"flagged {res.flagged} of {res.scored} dyad-days (flag rate {res.flag_rate:.2%}, |z| >= {threshold})",
              highlight=False)
    emit(records(res.rows), format, title="anomalies")


def breaks_cmd(
    a: Annotated[str, typer.Argument(help="First actor")],
    b: Annotated[str, typer.Argument(help="Second actor")],
    start: StartOpt = None,
    end: EndOpt = None,
    dataset: DatasetOpt = None,
    beta: Annotated[float, typer.Option(help="Penalty multiplier (higher = fewer breaks)")] = 8.0,
    plot: PlotOpt = None,
    store: StoreOpt = None,
    format: FmtOpt = Fmt.table,
) -> None:
    """Structural breaks in a dyad's weekly index (PELT), with confidence from penalty sensitivity.

    Examples: `detente breaks ARM AZE`, `detente breaks ARM TUR --start 2019-01-01 --plot breaks.png`.
    """
    from detente import anomalies as AN
    from detente.relations import check_actors

    s = open_store(store, read_only=True)
    d = AN.daily(s, check_actors(s, [a, b]), start, end, dataset)  # read once: for the breaks and the plot
    br = AN.breaks_in(d, beta=beta)
    if plot:
        import pandas as pd

        from detente import plots

        w = AN.weekly(d.dropna(subset=["value"])).reset_index()
        w.columns = ["end", "index"]
        w["start"] = w["end"] - pd.Timedelta(days=6)
        w["dataset"], w["ci_low"], w["ci_high"] = d["dataset"].iloc[0], float("nan"), float("nan")
        plots.series(w, plot, f"{a}-{b} weekly index and breaks", _case_periods(d.date.min(), d.date.max()),
                     breaks=br)
        err.print(f"plot written to {plot}")
    emit(records(br), format, title=f"{a}-{b} breaks")


def votes_cmd(
    a: Annotated[str, typer.Argument(help="First state")],
    b: Annotated[str, typer.Argument(help="Second state")],
    start: Annotated[int | None, typer.Option("--start", help="First year")] = None,
    end: Annotated[int | None, typer.Option("--end", help="Last year")] = None,
    store: StoreOpt = None,
    format: FmtOpt = Fmt.table,
) -> None:
    """UN General Assembly vote agreement per year: % agreement, exact agreement and Signorino-Ritter S.

    Examples: `detente votes AZE TUR`, `detente votes ARM IRN --start 2015 --end 2019 -f json`.
    """
    from detente import actors as _actors
    from detente import alignment as AL

    if start is not None and end is not None and start > end:
        raise UserError(f"start {start} is after end {end}; swap --start and --end")
    s = open_store(store, read_only=True)
    codes = []
    for x in (a, b):
        c = _actors.iso3(x) or x.upper()
        codes.append(c)
    v = AL.vote_agreement(s, codes, start, end)
    v = v[(v.actor_a == min(codes)) & (v.actor_b == max(codes))]
    if v.empty:
        yrs = AL.vote_years(s)
        raise UserError(f"no common UN votes for {codes[0]}-{codes[1]} in {start or '..'}..{end or '..'}; "
                        f"the store has votes for {yrs[0]}..{yrs[1]}" if yrs else "the store has no UN votes")
    from detente.report import MIN_VOTES

    v = v.assign(low_evidence=v.n_votes < MIN_VOTES)  # the report leaves such years out of its agreement table
    emit(records(v), format, title=f"{codes[0]}-{codes[1]} UN votes (low evidence: fewer than {MIN_VOTES} "
                                   "shared roll calls)")


def register(app: typer.Typer) -> None:
    app.command("relations")(handled(relations_cmd))
    app.command("anomalies")(handled(anomalies_cmd))
    app.command("breaks")(handled(breaks_cmd))
    app.command("votes")(handled(votes_cmd))
