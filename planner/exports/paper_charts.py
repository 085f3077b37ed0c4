"""The board paper's charts, built from the pack's content with planner.exports.charts: which charts,
their captions and their alt text (said in words from the same figures the paper prints).

Pure: content in, plotly Figures out; planner.services.board_paper draws them as PNG. The paper
shows at most MAX_CHARTS, the forecast's first: then the range of simulations, the competency
gaps and as many diversity targets as there is room for (the pack has every one). A target whose
present count is withheld has no chart: its path and its no-action line would give the count away."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from planner.exports import charts
from planner.exports import paper_figures as pf
from planner.exports.paper_figures import count, percent, words_list
from planner.exports.rounding import whole

MAX_CHARTS = 6
PANEL_HEIGHT = 130  # pixels a level's panel takes in print (at 800 across: 2.6 cm on the page)
BENCHMARKS = {"workforce": "Workforce", "community": "Community", "national": "National"}
NO_ACTION = "No action (current appointments)"


@dataclass(frozen=True)
class PaperChart:
    """A chart for the paper: its key (where the paper places it), figure, caption and alt text."""

    key: str
    figure: go.Figure
    caption: str
    alt: str


def _for_print(fig: go.Figure, panels: int = 0) -> go.Figure:
    """The caption under the image names the chart, so the image carries no title of its own; a chart
    of one panel a level is drawn shorter than on screen, so that it fits a page with its text."""
    fig.update_layout(title={"text": ""}, margin={"t": 40})
    if panels:
        fig.update_layout(height=min(int(fig.layout.height or PANEL_HEIGHT), PANEL_HEIGHT * panels + 100))
    return fig


def _scenario(content: Mapping[str, Any]) -> str:
    name = pf.scenario_name(content)
    return f" ({name} scenario)" if name else ""


def _by_level(rows: Any) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows or []:
        out.setdefault(str(row["level"]), []).append(row)
    for found in out.values():
        found.sort(key=lambda r: int(r["year"]))
    return out


def _demand(content: Mapping[str, Any], result: Mapping[str, Any], names: dict[str, str]) -> PaperChart:
    first, last = pf.period(content)
    said = []
    for key, rows in _by_level(result.get("totals")).items():
        if key in names and rows:
            said.append(f"{names[key]}: posts needed go from {whole(rows[0]['demand']):,} in {first} to "
                        f"{whole(rows[-1]['demand']):,} in {last}; without recruitment, leaders in post would be "
                        f"{whole(rows[-1].get('available', rows[-1]['end'])):,} in {last}.")
    return PaperChart("demand", _for_print(charts.demand_supply(result, names), len(said)),
                      f"Leaders needed against leaders in post without recruitment, by level{_scenario(content)}",
                      f"Line charts, one for each level, of posts needed and of leaders still in post before any "
                      f"recruitment in each year from {pf.years_text(first, last)}. " + " ".join(said))


def _appointments(content: Mapping[str, Any], result: Mapping[str, Any], names: dict[str, str]) -> PaperChart:
    first, last = pf.period(content)
    said = [f"{pf.lower_first(r.name)} {r.external:,} external and {r.internal:,} internal"
            for r in pf.level_rows(content)]
    return PaperChart("appointments", _for_print(charts.appointments(result, names)),
                      f"External appointments and internal promotions each year, by level{_scenario(content)}",
                      f"Stacked bar chart of the appointments needed each year from {pf.years_text(first, last)}, "
                      f"external and internal, for each level. Over the period: {words_list(said)}.")


def _scenarios(content: Mapping[str, Any], names: dict[str, str]) -> PaperChart | None:
    scenarios = (content.get("forecast") or {}).get("scenarios") or []
    ran = {str(s["name"]): {"totals": s["totals"]} for s in scenarios if s.get("totals") and not s.get("problems")}
    if len(ran) < 2:
        return None
    totals = [s for s in pf.scenario_totals(content) if s.name in ran]
    return PaperChart("scenarios", _for_print(charts.scenario_comparison(ran, names)),
                      "External appointments over the period by level, for each scenario",
                      f"Grouped bar chart of external appointments over the whole period, by level, with a bar for "
                      f"each of the {count(len(ran), 'scenario')}. In all: "
                      f"{words_list(f'{s.name} {s.total:,}' for s in totals)}.")


def _bands(content: Mapping[str, Any], result: Mapping[str, Any], names: dict[str, str]) -> PaperChart | None:
    reads = pf.band_reads(content)
    if not result.get("bands") or not reads:
        return None
    simulations = ((content.get("forecast") or {}).get("assumptions") or {}).get("simulations") or 0
    said = [f"{names.get(k, k)} in {r[0].year}: {r[0].low:,} to {r[0].high:,} (expected {r[0].expected:,})."
            for k, r in reads.items()]
    return PaperChart("bands", _for_print(charts.bands(result, names), len(reads)),
                      f"External appointments each year: expected, and the range of 8 in 10 simulations"
                      f"{_scenario(content)}",
                      f"Line charts, one for each level, of the expected external appointments each year, inside a "
                      f"shaded band from the 10th to the 90th percentile of {count(int(simulations), 'simulation')}. "
                      + " ".join(said))


def _benchmarks(content: Mapping[str, Any], characteristic: str, group: str) -> dict[str, float | None]:
    for rep in (content.get("diversity") or {}).get("representation") or []:
        if rep.get("characteristic") == characteristic:
            found = rep.get("benchmarks") or {}
            return {name: (found.get(source) or {}).get(group) for source, name in BENCHMARKS.items()
                    if (found.get(source) or {}).get(group) is not None}
    return {}


def _targets(content: Mapping[str, Any]) -> list[PaperChart]:
    out = []
    reads = {r.id: r for r in pf.target_reads(content)}
    for target in (content.get("diversity") or {}).get("targets") or []:
        read = reads.get(target.get("id"))
        if read is None or read.withheld or not target.get("trajectory") or not target.get("no_action"):
            continue
        benchmarks = _benchmarks(content, str(target["characteristic"]), str(target["group"]))
        fig = charts.target_trajectory(target, benchmarks, f"{read.group} share of {read.level}")
        path = {int(p["year"]): float(p["share"]) for p in target["trajectory"]}
        reached = path.get(read.target_year)
        shown = {n: v for n, v in benchmarks.items() if v is not None}
        alt = (f"Line chart of the share of {read.level} from the group {read.group}, year by year, with the "
               f"appointments needed, against the share with no action"
               + f", and the target of {percent(read.target_share)} by {read.target_year}"
               + (f"; the path reaches {percent(reached)} in {read.target_year}" if reached is not None else "")
               + (f". Benchmarks: {words_list(f'{n.lower()} {percent(v)}' for n, v in shown.items())}"
                  if shown else "") + ".")
        out.append(PaperChart(f"target-{read.id}", _for_print(fig),
                              f"{read.group}: share of {read.level} against the target of "
                              f"{percent(read.target_share)} by {read.target_year}{_scenario(content)}", alt))
    return out


def _gaps(content: Mapping[str, Any], names: dict[str, str]) -> PaperChart | None:
    gaps = [charts.GapCell(level=str(g["level"]), competency=str(g["competency"]), share_below=g.get("share_below"))
            for g in (content.get("competencies") or {}).get("gaps") or []]
    if not gaps:
        return None
    competency_names = pf.competency_names(content)
    largest = pf.largest_gaps(content, 3)
    said = words_list(f"{competency_names.get(str(g['competency']), str(g['competency'])).lower()} at "
                      f"{pf.lower_first(names.get(str(g['level']), str(g['level'])))} "
                      f"({percent(float(g['share_below']))})" for g in largest)
    return PaperChart("gaps", _for_print(charts.gap_heatmap(gaps, competency_names, names)),
                      "Share of assessed leaders below the required step, by competency and level",
                      "Heat map of the share of assessed leaders below the required step, with competencies as rows "
                      "and levels as columns, from grey (none below) to red (all below)."
                      + (f" The largest gaps: {said}." if said else ""))


def paper_charts(content: Mapping[str, Any]) -> list[PaperChart]:
    """The paper's charts, at most MAX_CHARTS: the forecast's, the range of simulations, the competency
    gaps, then diversity targets while there is room."""
    names = pf.level_names(content)
    result = pf.result_of(content)
    chosen: list[PaperChart | None] = []
    if result is not None:
        chosen += [_demand(content, result, names), _appointments(content, result, names),
                   _scenarios(content, names), _bands(content, result, names)]
    chosen.append(_gaps(content, names))
    found = [c for c in chosen if c is not None]
    return (found + _targets(content))[:MAX_CHARTS]
