"""`detente network` and `detente simulate`: thin commands over network.py / simulate.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from detente.cli import Fmt, FmtOpt, StoreOpt, emit, err, handled, open_store, split_codes, to_json
from detente.errors import UserError

CaseOpt = Annotated[str, typer.Option("--case", help="Built-in case name or case.yaml path (actors, periods)")]
PeriodOpt = Annotated[str | None, typer.Option("--period", help="Case period name (e.g. post-war) or START:END")]
ActorsOpt = Annotated[str | None, typer.Option("--actors", help="Comma-separated ISO3 codes (default: the case's)")]
DatasetOpt = Annotated[str, typer.Option("--dataset", help="Dyad dataset in the store")]


def _parse_blocs(spec: str) -> list[list[str]]:
    blocs = [split_codes(b) or [] for b in spec.split("|")]
    if len(blocs) < 2 or any(not b for b in blocs):
        raise UserError(f"--partition {spec!r}: write blocs separated by '|', e.g. 'AZE,TUR,ISR|ARM,IRN'")
    return blocs


def network_cmd(
    case: CaseOpt = "south_caucasus",
    period: PeriodOpt = None,
    actors: ActorsOpt = None,
    dataset: DatasetOpt = "gdelt_network",
    weighted: Annotated[bool, typer.Option("--weighted", help="Frustration as least total |tone| of flipped edges")] = False,
    method: Annotated[str, typer.Option("--method", help="Frustration: auto (exact up to 80 nodes), exact, heuristic")] = "auto",
    uncertain: Annotated[str, typer.Option("--uncertain", help="Edges whose interval spans 0: drop, or point (use the point sign)")] = "drop",
    min_days: Annotated[int, typer.Option("--min-days", help="Evidence floor: days of data a dyad needs to be signed")] = 30,
    baseline: Annotated[str, typer.Option("--baseline", help="Expected tone: world (dyads of similar volume) or "
                                          "world+history (also the dyad's own two years before)")] = "world+history",
    partition: Annotated[str | None, typer.Option("--partition", help="Score a named partition, e.g. 'AZE,TUR,ISR|ARM,IRN'")] = None,
    compare: Annotated[str | None, typer.Option("--compare", help="Second period: edge and actor changes, permutation test")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a picture (.png or .svg); circle in ISO3 order")] = None,
    store: StoreOpt = None,
    format: FmtOpt = Fmt.table,
) -> None:
    """The signed network of a period: edges, structural balance, blocs, actor influence.

    Examples: `detente network --period post-war`, `detente network --period war --compare post-war -f json`.
    """
    from detente import network

    if uncertain not in ("drop", "point"):
        raise UserError(f"--uncertain {uncertain!r}: use drop or point")
    s = open_store(store, read_only=True)
    net = network.build(s, split_codes(actors), period, dataset=dataset, case=case, min_days=min_days,
                        baseline=baseline)
    out = network.analyse(net, weighted=weighted, method=method, uncertain=uncertain)
    if partition:
        out["partition_fit"] = network.partition_fit(net, _parse_blocs(partition), weighted=weighted)
    if compare:
        other = network.build(s, net.nodes, compare, dataset=dataset, case=case, min_days=min_days, baseline=baseline)
        out["compare"] = {"period": network.period_dict(other.period), **network.compare(net, other),
                          "test": network.change_test(s, net.nodes, net.period, other.period, dataset=dataset,
                                                      min_days=min_days)}
    if plot:
        out["plot"] = str(network.plot(net, out["blocs"], plot))
    from detente.coverage import answer_days

    p = net.period
    out["covered"] = [c for c in answer_days(s, p.start, p.end) if c["dataset"] == dataset]
    if format is Fmt.json:
        sys.stdout.write(to_json(out) + "\n")
        return
    cols = ("actor_a", "actor_b", "sign", "tone", "tone_ci_low", "tone_ci_high", "expected", "strength", "weight",
            "n_days", "low_evidence")
    edges = [{k: e[k] for k in cols} for e in out["edges"]]
    if format is Fmt.csv:
        emit(edges, format)
        return
    b = out["balance"]
    days = f", {out['covered'][0]['covered_days']} covered days" if out["covered"] else ""
    emit(edges, format, title=f"{p.name} {p.start}..{p.end}: edges ({dataset}{days}; n_days = days with data)")
    emit(out["actors"], format, title="actors")
    con = Console()
    ratio = "n/a" if b["ratio"] is None else f"{b['ratio']:.3f}"
    con.print(f"triads {b['triads']}  balance ratio {ratio}  frustration {b['frustration']:g} "
              f"({b['method']}{', optimal' if b['optimal'] else ''}; index {b['frustration_index']:.3f})")
    con.print(f"two-bloc partition: {' | '.join(','.join(x) for x in b['partition'])}; "
              f"frustrated edges: {', '.join('-'.join(e) for e in b['frustrated_edges']) or 'none'}")
    con.print(f"blocs (correlation clustering): {' | '.join(','.join(x) for x in out['blocs'])}")
    if out["low_evidence"] or out["unaligned"]:
        con.print(f"low evidence (in no bloc): {', '.join(out['low_evidence']) or 'none'}; "
                  f"unaligned (no signed edge): {', '.join(out['unaligned']) or 'none'}")
    if "partition_fit" in out:
        f = out["partition_fit"]
        con.print(f"named partition: frustration {f['named']['frustration']:g} vs best {f['best']['frustration']:g} "
                  f"(adjusted Rand {f['adjusted_rand']:.2f}, {f['moves']} actor(s) to move)")
    if "compare" in out:
        t = out["compare"]["test"]
        con.print(f"change to {t['after']['name']}: mean |tone change| {t['observed']:.3f}, null mean "
                  f"{t['null_mean']:.3f}, p = {t['p_value']:.3g} ({t['n_perm']} block permutations); "
                  f"{out['compare']['sign_changes']} edge sign change(s)")
    if plot:
        err.print(f"wrote {plot}")


def simulate_cmd(
    scenario: Annotated[Path | None, typer.Option("--scenario", help="Scenario YAML file")] = None,
    hindcast: Annotated[bool, typer.Option("--hindcast", help="Rolling-origin hindcast: skill vs persistence and "
                                           "climatology over every month")] = False,
    steps: Annotated[int | None, typer.Option("--steps", help="Model steps (default 20, or the scenario's; the "
                                              "hindcast: steps per horizon, default 1 per month)")] = None,
    max_steps: Annotated[int, typer.Option("--max-steps", help="Refuse runs of more model steps than this")] = 10_000,
    model: Annotated[str | None, typer.Option("--model", help="balance or interest (default balance)")] = None,
    period: PeriodOpt = None,
    case: CaseOpt = "south_caucasus",
    actors: ActorsOpt = None,
    dataset: DatasetOpt = "gdelt_network",
    store: StoreOpt = None,
    format: FmtOpt = Fmt.table,
) -> None:
    """Alignment dynamics from a period's measured network: a scenario, or the rolling-origin hindcast.
    Every output carries a label: exploratory unless the hindcast shows skill (docs/network.md).

    Examples: `detente simulate --hindcast`, `detente simulate --scenario scenario.yaml --steps 12 -f json`.
    """
    from detente import network, simulate

    if not scenario and not hindcast:
        raise UserError("say what to run: --scenario FILE (see cases/south_caucasus/scenarios/) or --hindcast")
    if steps is not None:
        simulate.check_steps(steps, max_steps)
    s = open_store(store, read_only=True)
    if hindcast:
        h = simulate.hindcast(s, split_codes(actors), steps=steps, dataset=dataset, case=case)
        if format is Fmt.json:
            sys.stdout.write(to_json(h) + "\n")
            return
        rows = []
        for hz, r in h["horizon"].items():
            for p in ("persistence", "climatology", *simulate.MODELS):
                x = r[p]
                sp, sc = x.get("skill_vs_persistence"), x.get("skill_vs_climatology")
                rows.append({"months_ahead": hz, "predictor": p, "mse": x["mse"], "sign_accuracy": x["sign_accuracy"],
                             "skill_vs_persistence": sp and f"{sp['value']:+.3f} [{sp['ci_low']:+.3f}, {sp['ci_high']:+.3f}]",
                             "skill_vs_climatology": sc and f"{sc['value']:+.3f} [{sc['ci_low']:+.3f}, {sc['ci_high']:+.3f}]"})
        emit(rows, format, title=f"[{h['label'].upper()}] rolling-origin hindcast {h['start']['name']}..{h['target']['name']}: "
                                 f"{h['months']} months, {len(h['nodes'])} actors")
        if format is Fmt.table:
            Console().print(f"{h['label'].upper()}: {h['verdict']}")
        return
    assert scenario is not None
    sc = simulate.load_scenario(scenario, max_steps=max_steps)
    net = network.build(s, split_codes(actors), period or sc.period, dataset=dataset, case=case)
    sc = simulate.load_scenario(scenario, net.nodes, max_steps)  # validate the actors against the network
    out = simulate.run(net, sc, model=model or sc.model or "balance", steps=steps or sc.steps or 20,
                       max_steps=max_steps)
    if format is Fmt.json:
        sys.stdout.write(to_json(out) + "\n")
        return
    v = out["versus_baseline"]
    emit(v["edges"], format, title=f"[{out['label'].upper()}] {sc.name}: edges that differ from the no-scenario run "
                                   f"({out['model']}, {out['steps']} steps from {net.period.name})")
    if format is Fmt.table:
        con = Console()
        con.print(f"balance ratio {v['balance_ratio']['baseline']} -> {v['balance_ratio']['scenario']}; "
                  f"frustration {v['frustration']['baseline']:g} -> {v['frustration']['scenario']:g}")
        con.print("blocs without scenario: " + " | ".join(",".join(b) for b in v["blocs"]["baseline"]))
        con.print("blocs with scenario:    " + " | ".join(",".join(b) for b in v["blocs"]["scenario"]))
        con.print(f"{out['label'].upper()}: {out['label_note']}")


def register(app: typer.Typer) -> None:
    app.command("network")(handled(network_cmd))
    app.command("simulate")(handled(simulate_cmd))
