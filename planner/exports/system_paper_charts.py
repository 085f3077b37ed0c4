"""The system paper's charts, built with planner.exports.charts from the system's summed forecast: the
posts needed against the leaders in post without recruitment for each level, and the appointments each
year, with captions and alt text said in words from the figures the paper prints.

Pure: the system's content in, plotly Figures out; planner.services.system_pack draws them as PNG."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.exports import charts
from planner.exports import system_tables as st
from planner.exports.paper_charts import PaperChart, _for_print
from planner.exports.paper_figures import lower_first, words_list
from planner.exports.rounding import whole

DEMAND, APPOINTMENTS = "system-demand", "system-appointments"


def _result(content: Mapping[str, Any]) -> dict[str, Any]:
    """The system's totals as the charts read a forecast, with the leaders available before recruitment."""
    return {"totals": [{**t, "available": float(t["start"]) - float(t["leavers"]) - float(t["promoted_out"])}
                       for t in content["forecast"]["totals"]]}


def system_charts(content: Mapping[str, Any]) -> list[PaperChart]:
    """The paper's two forecast charts (none when the members share no forecast years)."""
    years = st.years_of(content)
    if not content["forecast"]["totals"] or not years:
        return []
    names = st.level_names(content)
    result = _result(content)
    by_level: dict[str, list[Mapping[str, Any]]] = {}
    for total in sorted(result["totals"], key=lambda t: int(t["year"])):
        by_level.setdefault(total["level"], []).append(total)
    keys = [k for k in names if k in by_level]
    span = f"{years[0]} to {years[-1]}"
    demand = [f"{names[k]}: posts needed go from {whole(by_level[k][0]['demand']):,} in {years[0]} to "
              f"{whole(by_level[k][-1]['demand']):,} in {years[-1]}; without recruitment, leaders in post would be "
              f"{whole(by_level[k][-1]['available']):,} in {years[-1]}." for k in keys]
    made = [f"{lower_first(names[k])} {whole(sum(float(t['external_appointments']) for t in by_level[k])):,} external "
            f"and {whole(sum(float(t['internal_fills']) for t in by_level[k])):,} internal" for k in keys]
    return [
        PaperChart(DEMAND, _for_print(charts.demand_supply(result, names), len(keys)),
                   "Leaders needed across the system against leaders in post without recruitment, by level",
                   f"Line charts, one for each level, of the posts the members need and of their leaders still in "
                   f"post before any recruitment, summed over the system, each year from {span}. " + " ".join(demand)),
        PaperChart(APPOINTMENTS, _for_print(charts.appointments(result, names)),
                   "External appointments and internal promotions each year across the system, by level",
                   f"Stacked bar chart of the appointments the members need each year from {span}, external and "
                   f"internal, for each level. Over the period: {words_list(made)}."),
    ]
