"""The board paper's forecast section and its risks section, written from the forecast's figures
and the leaver rates the forecast used."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from planner.exports import paper_figures as pf
from planner.exports.paper_blocks import Block, Figure, Para, Section, Subheading, Table
from planner.exports.paper_cover import headline, one_line, scenario_phrase
from planner.exports.paper_figures import count, percent, words_list
from planner.exports.rounding import ROUNDING_NOTE
from planner.rate_words import is_yearly, rate_words


def _first_year_example(content: Mapping[str, Any], row: pf.LevelRow) -> Para | None:
    found = pf.first_year_flows(content, row.key)
    if found is None:
        return None
    year, f = found
    level = pf.lower_first(row.name)
    moved = f", and {f['promoted_out']:,} step up to the level above" if f["promoted_out"] else ""
    if f["vacancies"] == 0:
        filled = "no posts need filling"
    elif f["internal_fills"] == 0:
        filled = f"all {count(f['vacancies'], 'vacancy', 'vacancies')} are filled by external appointment"
    elif f["external_appointments"] == 0:
        filled = f"all {count(f['vacancies'], 'vacancy', 'vacancies')} are filled by promotion"
    else:
        filled = (f"{f['internal_fills']:,} of the {count(f['vacancies'], 'vacancy', 'vacancies')} are filled by "
                  f"promotion and {f['external_appointments']:,} by external appointment")
    return Para(f"To read the figures, take {level} in {year}: {f['start']:,} are in post at the start of the year; "
                f"{f['leavers']:,} leave{moved}, leaving {f['available']:,}; {filled}, giving {f['end']:,} in post at "
                f"the end of the year against {count(f['demand'], 'post')} needed.")


def _scenario_words(content: Mapping[str, Any], totals: Sequence[pf.ScenarioTotal]) -> list[Block]:
    ran = [s for s in totals if not s.problems]
    chosen = next((s for s in ran if s.chosen), None)
    blocks: list[Block] = []
    failed = [s for s in totals if s.problems]
    if chosen is None:
        return blocks
    if len(ran) == 1:
        blocks.append(Para(f"The {chosen.name} scenario is the only one that has been modelled, so this paper does "
                           "not compare scenarios."))
    else:
        most = max(ran, key=lambda s: s.total)
        least = min(ran, key=lambda s: s.total)
        text = f"Of the {count(len(ran), 'scenario')} modelled, "
        if most.total == least.total:
            text += f"all need the same number of external appointments ({most.total:,})."
        else:
            text += (f"{most.name} needs the most external appointments over the period ({most.total:,}) and "
                     f"{least.name} the fewest ({least.total:,}), a difference of {most.total - least.total:,}.")
        others = [s for s in ran if s is not chosen]
        compared = words_list(f"{difference_words(chosen.total - s.total)} {s.name}" for s in others)
        rank = (" the most," if chosen is most and most.total != least.total else
                " the fewest," if chosen is least and most.total != least.total else "")
        text += (f" The {chosen.name} scenario, used throughout this paper, needs{rank} {chosen.total:,}: "
                 f"{compared}.")
        blocks.append(Para(text))
        described = [s for s in ran if s.description]
        blocks += [Para(f"{s.name}: {one_line(s.description)}", "bullet") for s in described]
    for s in failed:
        blocks.append(Para(f"The {s.name} scenario could not be run: {'; '.join(s.problems)}."))
    return blocks


def difference_words(n: int) -> str:
    """'12 more than', '3 fewer than', 'the same as'."""
    return "the same as" if n == 0 else f"{abs(n):,} {'more' if n > 0 else 'fewer'} than"


def forecast_section(content: Mapping[str, Any]) -> Section:
    title = "How many leaders we need"
    result = pf.result_of(content)
    if result is None:
        problems = "; ".join(pf.lower_first(str(p)).rstrip(".") for p in
                             (content.get("forecast") or {}).get("problems") or [])
        return Section(title, (Para(f"The forecast cannot run yet: {problems or 'there is no scenario'}. "
                                    "This paper gives no figures for appointments until it can."),))
    strategy = content["strategy"]
    first, last = pf.period(content)
    start = int(strategy["start_year"])
    rows, every = pf.level_rows(content), pf.all_levels(content)
    description = one_line(((content.get("forecast") or {}).get("scenario") or {}).get("description"))
    blocks: list[Block] = [Para(headline(content) or "")]
    if description:
        blocks.append(Para(f"The {pf.scenario_name(content)} scenario: {pf.lower_first(description)}"))
    blocks += [Para(f"{r.name}: {count(r.in_post_start, 'leader')} in post in {start} and "
                    f"{count(r.posts_needed_end, 'post')} needed in {last}; "
                    f"{count(r.external, 'external appointment')} and {count(r.internal, 'internal promotion')} "
                    f"over {pf.years_text(first, last)}.", "bullet") for r in rows]
    biggest = max(rows, key=lambda r: r.external, default=None)
    if biggest is not None and every.external:
        share = biggest.external / every.external
        blocks.append(Para(f"{pf.capital(pf.posts_of(biggest.name))} account for {percent(share)} of all external "
                           f"appointments{', more than any other level' if share < 0.5 else ''}."))
    blocks.append(Table(
        "Leaders in post and appointments needed by level" + (
            f" ({pf.scenario_name(content)} scenario)" if pf.scenario_name(content) else ""),
        ("Level", f"In post in {start}", f"Posts needed in {last}", "External appointments over the period",
         "Internal promotions over the period"),
        tuple((r.name, f"{r.in_post_start:,}", f"{r.posts_needed_end:,}", f"{r.external:,}", f"{r.internal:,}")
              for r in [*rows, every]),
        (False, True, True, True, True), (ROUNDING_NOTE,), total_last=True, widths=(4.6, 2.7, 2.9, 3.3, 3.5)))
    example = _first_year_example(content, biggest) if biggest is not None else None
    if example is not None:
        blocks.append(example)
    blocks += [Figure("demand"), Figure("appointments")]
    totals = pf.scenario_totals(content)
    if totals:
        blocks.append(Subheading("The scenarios compared"))
        blocks += _scenario_words(content, totals)
        ran = [s for s in totals if not s.problems]
        if len(ran) > 1:
            keys = [r.key for r in rows]
            blocks.append(Table(
                "External appointments over the period by scenario and level",
                ("Scenario", *[r.name for r in rows], "All levels"),
                tuple((s.name + (" (this paper)" if s.chosen else ""), *[f"{s.by_level.get(k, 0):,}" for k in keys],
                       f"{s.total:,}") for s in ran),
                (False, *[True] * len(keys), True), (ROUNDING_NOTE,),
                widths=(4.4, *[(17.0 - 4.4) / (len(keys) + 1)] * (len(keys) + 1))))
            blocks.append(Figure("scenarios"))
    return Section(title, tuple(blocks))


def _rate_levels(content: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The levels' rates the forecast ran on: the spec's, else the scenario's stored assumptions."""
    forecast = content.get("forecast") or {}
    return list((forecast.get("spec") or {}).get("levels") or (forecast.get("assumptions") or {}).get("levels") or [])


def _rates(content: Mapping[str, Any], name: str, *, skip_top: bool = False) -> tuple[float, float] | None:
    """The lowest and highest of a rate over the levels and, where it changes by year, the years."""
    values: list[float] = []
    levels = _rate_levels(content)
    for level in levels[1:] if skip_top else levels:
        value = level.get(name)
        values += [float(v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, int | float)]
    return (min(values), max(values)) if values else None


def _yearly_leaver_words(content: Mapping[str, Any]) -> str | None:
    """How the leaver rates that change by year (model.md version 3) move, level by level; None if none do."""
    spec = (content.get("forecast") or {}).get("spec") or {}
    if "start_year" not in spec:
        return None
    names = pf.level_names(content)
    first_year = int(spec["start_year"]) + 1
    moving = [f"for {pf.lower_first(names.get(level['key'], level['key']))}, "
              f"{rate_words(level['leaver_rate'], first_year)}"
              for level in spec.get("levels") or [] if is_yearly(level.get("leaver_rate"))]
    if not moving:
        return None
    return f"The leaver rate changes from year to year at {count(len(moving), 'level')}: {'; '.join(moving)}."


def _range(rates: tuple[float, float]) -> str:
    low, high = rates
    return percent(low) if percent(low) == percent(high) else f"{percent(low)} to {percent(high)}"


def risks_section(content: Mapping[str, Any]) -> Section:
    title = "Risks and uncertainty"
    blocks: list[Block] = []
    result = pf.result_of(content)
    names = pf.level_names(content)
    reads = pf.band_reads(content)
    if result is not None and reads:
        simulations = ((content.get("forecast") or {}).get("assumptions") or {}).get("simulations")
        blocks.append(Para(f"The forecast gives expected figures. To show how far whole people leaving and being "
                           f"appointed can move them, the scenario was also run as "
                           f"{count(int(simulations or 0), 'simulation')}. In 8 of every 10 simulations, external "
                           "appointments fall within these ranges:"))
        for key, level_reads in reads.items():
            first_read, *later = level_reads
            noun = "appointment" if first_read.high == 1 else "appointments"
            text = (f"{names.get(key, key)}: in 8 of 10 simulations, between {first_read.low:,} and "
                    f"{first_read.high:,} external {noun} to {pf.posts_of(names.get(key, key))} in {first_read.year} "
                    f"(expected {first_read.expected:,})")
            text += "".join(f", and between {r.low:,} and {r.high:,} in {r.year} (expected {r.expected:,})"
                            for r in later)
            blocks.append(Para(text + ".", "bullet"))
        below = [names.get(k, k) for k, rs in reads.items() if any(r.outside and r.expected < r.low for r in rs)]
        above = [names.get(k, k) for k, rs in reads.items() if any(r.outside and r.expected > r.high for r in rs)]
        if below:
            blocks.append(Para(
                f"For {words_list(pf.lower_first(n) for n in below)}, the expected figure lies below the range. The "
                "simulations move whole people: where a level's leaders are spread thinly over many areas, an area "
                "often has nobody ready to step up, so fewer posts are filled by promotion and more from outside "
                "than the expected figure suggests. Plans for recruitment should allow for the range, not the "
                "expected figure alone."))
        if above:
            blocks.append(Para(f"For {words_list(pf.lower_first(n) for n in above)}, the expected figure lies above "
                               "the range: in most simulations fewer external appointments are needed than expected."))
        blocks.append(Figure("bands"))
    elif result is not None:
        blocks.append(Para(f"{pf.capital(scenario_phrase(content))} was not simulated, so this paper gives expected "
                           "figures without a range. Whole people leave and are appointed, so the numbers in any "
                           "year will differ from the expected figures; setting the scenario's number of "
                           "simulations would show by how much."))
    leavers, ready = _rates(content, "leaver_rate"), _rates(content, "ready_rate", skip_top=True)
    if result is not None and leavers:
        yearly = _yearly_leaver_words(content)
        blocks.append(Para(f"The forecast assumes that {_range(leavers)} of leaders leave each year, depending on the "
                           "level" + (" and the year" if yearly else "")
                           + (f", and that {_range(ready)} are ready to step up" if ready else "")
                           + ". Higher turnover than this would mean more appointments."
                           + (f" {yearly}" if yearly else "")))
        measured = [level["leaver_source"]["text"] for level in
                    ((content.get("forecast") or {}).get("assumptions") or {}).get("levels") or []
                    if level.get("leaver_source")]
        if measured:
            blocks.append(Para("The leaver rates are measured from the organisation's own records, not estimated: "
                               + "; ".join(measured) + ". They rise or fall year by year as each level's leaders "
                               "age towards retirement."))
    problems = [str(p) for p in (content.get("forecast") or {}).get("problems") or []]
    if problems:
        blocks.append(Para("Problems with the forecast: " + "; ".join(problems) + "."))
    targets = pf.target_reads(content)
    hard = [t for t in targets if t.verdict in ("unreachable", "wider")]
    if hard:
        blocks.append(Para("Diversity targets at risk: " + "; ".join(
            f"{t.group} at {t.level} by {t.target_year} "
            f"({'cannot be met' if t.verdict == 'unreachable' else 'needs a wider pool'})" for t in hard) + "."))
    unaddressed = (content.get("competencies") or {}).get("unaddressed") or []
    if unaddressed and (content.get("competencies") or {}).get("interventions"):
        blocks.append(Para(f"{count(len(unaddressed), 'competency gap')} {'is' if len(unaddressed) == 1 else 'are'} "
                           "not yet reached by the development plan."))
    red = pf.rag_counts(content)["red"]
    if red:
        total = len((content.get("objectives") or {}).get("rows") or [])
        blocks.append(Para(f"{red:,} of the {count(total, 'objective')} {'is' if red == 1 else 'are'} rated red."))
    if not blocks:
        blocks.append(Para("The planner has no figures yet from which to judge the risks."))
    return Section(title, tuple(blocks))
