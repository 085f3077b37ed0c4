"""The collective leadership self-assessment: the instrument (items) and how results are worked out
(scoring). Pure Python: imports no Flask, SQLModel or openpyxl."""

from planner.survey.items import (
    Dimension,
    Instrument,
    InstrumentError,
    Item,
    RespondentGroup,
    ScalePoint,
    default_instrument,
    load_default,
    parse_instrument,
)
from planner.survey.scoring import MIN_RESPONSES, GroupScore, Response, Results, Score, score

__all__ = [
    "MIN_RESPONSES",
    "Dimension",
    "GroupScore",
    "Instrument",
    "InstrumentError",
    "Item",
    "RespondentGroup",
    "Response",
    "Results",
    "ScalePoint",
    "Score",
    "default_instrument",
    "load_default",
    "parse_instrument",
    "score",
]
