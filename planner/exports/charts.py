"""Plotly charts of forecast results. Pure: each takes the model's output (and names for the
levels and scenarios, or the small typed inputs below: never database rows) and returns a Figure; the
pages put a table beside every chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

# NHS identity colours: blue, dark blue, green, warm yellow, purple, aqua green, pink, dark grey.
PALETTE = ["#005eb8", "#003087", "#007f3b", "#ffb81c", "#330072", "#00a499", "#ae2573", "#425563"]
FONT = "Frutiger W01, Arial, sans-serif"


@dataclass(frozen=True)
class GapCell:
    """One cell of the gap heatmap: the share of a level's assessed leaders below the step a competency needs."""

    level: str
    competency: str
    share_below: float | None


@dataclass(frozen=True)
class CascadeBox:
    """One objective of the cascade treemap: sized by its weight, coloured by its progress (None: not measured)."""

    id: int
    parent_id: int | None
    label: str
    weight: float
    progress: float | None


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"}, height=height, font={"family": FONT, "size": 14},
        paper_bgcolor="#ffffff", plot_bgcolor="#ffffff", margin={"l": 60, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.12}, hovermode="x unified",
    )
    fig.update_xaxes(dtick=1, showgrid=False, linecolor="#aeb7bd")
    fig.update_yaxes(rangemode="tozero", gridcolor="#e8edee", linecolor="#aeb7bd")
    return fig


def _by_level(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        out.setdefault(str(row["level"]), []).append(row)
    return out


def _panels(rows_by_level: Mapping[str, Any], level_names: Mapping[str, str]) -> tuple[go.Figure, list[str]]:
    """A figure of one panel a level (the levels with rows, in the levels' order) sharing the years' axis,
    and those levels' keys."""
    keys = [k for k in level_names if k in rows_by_level]
    fig = make_subplots(rows=len(keys) or 1, cols=1, shared_xaxes=True,
                        subplot_titles=[level_names[k] for k in keys], vertical_spacing=0.08)
    return fig, keys


def _panels_height(keys: Sequence[str]) -> int:
    """The height of a figure of one panel a level."""
    return 220 * max(len(keys), 1) + 120


def demand_supply(result: Mapping[str, Any], level_names: Mapping[str, str]) -> go.Figure:
    """Per level: posts needed (demand) against leaders still in post before recruitment."""
    totals = _by_level(result["totals"])
    fig, keys = _panels(totals, level_names)
    for i, key in enumerate(keys, start=1):
        rows = totals[key]
        years = [r["year"] for r in rows]
        fig.add_trace(go.Scatter(x=years, y=[r["demand"] for r in rows], name="Posts needed (demand)",
                                 mode="lines+markers", line={"color": PALETTE[0], "width": 3},
                                 legendgroup="demand", showlegend=i == 1), row=i, col=1)
        fig.add_trace(go.Scatter(x=years, y=[r["available"] for r in rows],
                                 name="Leaders in post without recruitment", mode="lines+markers",
                                 line={"color": PALETTE[6], "dash": "dash", "width": 2},
                                 legendgroup="available", showlegend=i == 1), row=i, col=1)
    return _layout(fig, "Leaders needed against leaders in post", _panels_height(keys))


def appointments(result: Mapping[str, Any], level_names: Mapping[str, str]) -> go.Figure:
    """Appointments needed each year: internal promotions and external recruitment, by level."""
    totals = _by_level(result["totals"])
    fig = go.Figure()
    for i, key in enumerate(k for k in level_names if k in totals):
        rows = totals[key]
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Bar(x=[r["year"] for r in rows], y=[r["external_appointments"] for r in rows],
                             name=f"{level_names[key]}: external", marker={"color": colour},
                             offsetgroup="external", legendgroup=key))
        fig.add_trace(go.Bar(x=[r["year"] for r in rows], y=[r["internal_fills"] for r in rows],
                             name=f"{level_names[key]}: internal", marker={"color": colour, "opacity": 0.45,
                                                                           "pattern": {"shape": "/"}},
                             offsetgroup="internal", legendgroup=key))
    fig.update_layout(barmode="stack")
    return _layout(fig, "Appointments needed each year (external and internal)", 460)


def bands(result: Mapping[str, Any], level_names: Mapping[str, str]) -> go.Figure:
    """External appointments per level: the expected line inside the P10-P90 band of simulations,
    with the simulations' mean dotted."""
    band_rows = _by_level(result.get("bands", []))
    totals = _by_level(result["totals"])
    fig, keys = _panels(band_rows, level_names)
    for i, key in enumerate(keys, start=1):
        rows = band_rows[key]
        years = [r["year"] for r in rows]
        p10 = [r["external_appointments"]["p10"] for r in rows]
        p90 = [r["external_appointments"]["p90"] for r in rows]
        fig.add_trace(go.Scatter(x=years + years[::-1], y=p90 + p10[::-1], fill="toself", mode="lines",
                                 fillcolor="rgba(0, 94, 184, 0.18)", line={"width": 0}, hoverinfo="skip",
                                 name="P10 to P90 of simulations", legendgroup="band", showlegend=i == 1),
                      row=i, col=1)
        fig.add_trace(go.Scatter(x=years, y=[r["external_appointments"] for r in totals[key]], mode="lines+markers",
                                 line={"color": PALETTE[1], "width": 3}, name="Expected",
                                 legendgroup="expected", showlegend=i == 1), row=i, col=1)
        means = [r["external_appointments"].get("mean") for r in rows]
        if None not in means:  # bands stored before the engine's version 2 carry no mean
            fig.add_trace(go.Scatter(x=years, y=means, mode="lines", line={"color": PALETTE[7], "width": 2,
                                                                           "dash": "dot"},
                                     name="Simulations' mean", legendgroup="mean", showlegend=i == 1), row=i, col=1)
    return _layout(fig, "External appointments: expected and likely range", _panels_height(keys))


def scenario_comparison(results: Mapping[str, Mapping[str, Any]], level_names: Mapping[str, str]) -> go.Figure:
    """External appointments over the whole period, per level, side by side for each scenario."""
    fig = go.Figure()
    for i, (scenario, result) in enumerate(results.items()):
        per_level = {k: 0.0 for k in level_names}
        for row in result["totals"]:
            if row["level"] in per_level:
                per_level[row["level"]] += row["external_appointments"]
        fig.add_trace(go.Bar(x=[level_names[k] for k in per_level], y=list(per_level.values()), name=scenario,
                             marker={"color": PALETTE[i % len(PALETTE)]}))
    fig.update_layout(barmode="group")
    fig = _layout(fig, "External appointments over the period, by scenario", 420)
    fig.update_xaxes(dtick=None)
    return fig


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON that is safe inside a <script type="application/json"> element."""
    return str(fig.to_json()).replace("</", "<\\/")


def target_trajectory(result: Mapping[str, Any], benchmarks: Mapping[str, float | None], title: str) -> go.Figure:
    """A group's share over the years: the path that reaches the target, the no-action path, the
    target and the benchmarks as lines (one diversity item of the model's output)."""
    fig = go.Figure()
    years = [p["year"] for p in result["trajectory"]]
    fig.add_trace(go.Scatter(x=years, y=[p["share"] for p in result["trajectory"]], mode="lines+markers",
                             name="With the appointments needed", line={"color": PALETTE[0], "width": 3}))
    fig.add_trace(go.Scatter(x=years, y=[p["share"] for p in result["no_action"]], mode="lines+markers",
                             name="No action (current appointments)", line={"color": PALETTE[7], "dash": "dash"}))
    fig.add_trace(go.Scatter(x=[years[0], result["target_year"]], y=[result["target_share"]] * 2, mode="lines",
                             name=f"Target by {result['target_year']}", line={"color": PALETTE[2], "width": 2}))
    styles = ["dot", "dashdot", "longdash"]
    for i, (name, value) in enumerate(benchmarks.items()):
        if value is not None:
            fig.add_trace(go.Scatter(x=[years[0], years[-1]], y=[value, value], mode="lines", name=name,
                                     line={"color": PALETTE[(i + 3) % len(PALETTE)], "dash": styles[i % 3]}))
    fig = _layout(fig, title, 440)
    fig.update_yaxes(tickformat=".0%")
    return fig


def gap_heatmap(gaps: Sequence[GapCell], competency_names: Mapping[str, str],
                level_names: Mapping[str, str]) -> go.Figure:
    """Share of leaders below the required step: competencies down, levels across (organisation gaps)."""
    levels = [k for k in level_names if any(g.level == k for g in gaps)]
    competencies = sorted({g.competency for g in gaps}, key=lambda k: competency_names.get(k, k))
    cell = {(g.competency, g.level): g.share_below for g in gaps}
    z = [[cell.get((c, lv)) for lv in levels] for c in competencies]
    text = [["" if v is None else f"{v:.0%}" for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=[level_names[k] for k in levels], y=[competency_names.get(c, c) for c in competencies],
        text=text, texttemplate="%{text}", colorscale=[[0, "#e8edee"], [0.5, "#ffb81c"], [1, "#d5281b"]],
        zmin=0, zmax=1, colorbar={"title": "Below required", "tickformat": ".0%"}, hoverongaps=False,
    ))
    fig = _layout(fig, "Share of leaders below the required step", 160 + 28 * max(len(competencies), 1))
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(dtick=None, side="top")
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    return fig


def survey_radar(dimension_names: Mapping[str, str], groups: Mapping[str, Mapping[str, float | None]]) -> go.Figure:
    """Each group's mean on each dimension (1 to 5), one trace a group."""
    keys = list(dimension_names)
    fig = go.Figure()
    for i, (group, means) in enumerate(groups.items()):
        values = [means.get(k) for k in keys]
        fig.add_trace(go.Scatterpolar(r=values + values[:1], theta=[dimension_names[k] for k in keys] + [
            dimension_names[keys[0]]], name=group, line={"color": PALETTE[i % len(PALETTE)]}))
    fig.update_layout(polar={"radialaxis": {"range": [1, 5], "dtick": 1}}, showlegend=True,
                      title={"text": "Where we agree: mean by dimension and group (1 to 5)", "x": 0},
                      height=520, font={"family": FONT, "size": 13}, paper_bgcolor="#ffffff",
                      legend={"orientation": "h", "y": -0.1}, margin={"l": 80, "r": 80, "t": 70, "b": 60})
    return fig


def objective_treemap(boxes: Sequence[CascadeBox]) -> go.Figure:
    """The cascade as a treemap: each objective sized by its weight, coloured by its progress."""
    ids = [str(b.id) for b in boxes]
    known = set(ids)
    parents = [str(b.parent_id) if str(b.parent_id) in known else "" for b in boxes]
    fig = go.Figure(go.Treemap(
        ids=ids, parents=parents, labels=[b.label for b in boxes],
        values=[b.weight for b in boxes], branchvalues="remainder",
        marker={"colors": [b.progress if b.progress is not None else 0 for b in boxes],
                "colorscale": [[0, "#d5281b"], [0.5, "#ffb81c"], [1, "#007f3b"]], "cmin": 0, "cmax": 1,
                "colorbar": {"title": "Progress", "tickformat": ".0%"}},
        hovertemplate="%{label}<br>Progress %{color:.0%}<extra></extra>",
    ))
    fig.update_layout(title={"text": "The cascade: size by weight, colour by progress", "x": 0}, height=560,
                      font={"family": FONT, "size": 13}, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig
