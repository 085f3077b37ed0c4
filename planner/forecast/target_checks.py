"""One diversity target as a form gives it, checked by the spec parser's own rules (parse_targets), with a
sentence for each refused field that a form can show beside it. The ranges live in parse_targets only."""

from __future__ import annotations

from collections.abc import Mapping

from planner.forecast._checks import Checker
from planner.forecast.parse_targets import parse_targets

# The fields of a target a person types, in the form's order, each with the sentence shown when the
# parser refuses it ({first} and {last}: the forecast years a target year may fall in).
FIELD_WORDS = {
    "target_share": "The target share must be from 0% to 100%",
    "target_year": "The target year must be from {first} to {last}",
    "leaver_rate_ratio": "The leaver rate ratio must be a number of 0 or more, like 1.2",
    "current_appointment_share": "The current share of appointments must be from 0% to 100%",
    "pipeline_share": "The group's share of the pool must be from 0% to 100%",
}


def target_problems(values: Mapping[str, object], *, start_year: int, horizon: int) -> list[tuple[str, str]]:
    """Each typed field of one target (shares from 0 to 1; None or absent for an optional one) that the spec
    parser would refuse in a strategy starting in `start_year` over `horizon` years, as (field, sentence)
    pairs in the form's order; empty when the target would be accepted."""
    item: dict[str, object] = {"level": "all", "group": "group", "baseline_count": 0}
    item.update({field: values[field] for field in FIELD_WORDS if values.get(field) is not None})
    check = Checker()
    parse_targets(check, {"diversity_targets": [item]}, None, start_year, horizon)
    refused = {problem.path.rsplit(".", 1)[-1] for problem in check.problems}
    unexpected = refused - set(FIELD_WORDS)
    if unexpected:  # a field the form does not type: a mistake in the caller, not in what a person typed
        raise ValueError(f"Not a target the parser takes: {'; '.join(str(p) for p in check.problems)}")
    return [(field, words.format(first=start_year + 1, last=start_year + horizon))
            for field, words in FIELD_WORDS.items() if field in refused]
