"""The board cover sheet: the standard sheet an NHS board paper opens with, kept with the strategy
and frozen into every approved version through the pack's content (see planner.services.versions).

`save_cover` checks every field and stores them with an audit event in one commit; `cover_content`
gives the cover as plain data in the shape planner.exports.cover describes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from planner.dates import long_date
from planner.exports.cover import DEFAULT_MEETING, IMPACTS, MAX_CONSIDERED, PARTS, PURPOSES, default_cover
from planner.models import BoardCover, Organisation, Strategy, User, utcnow
from planner.services import ServiceError
from planner.services.audit import diff, record
from planner.services.editing import StaleEdit, commit_checked

MAX_MEETING = 200
MAX_AGENDA_ITEM = 20
MAX_NAME = 200
MAX_RECOMMENDATION = 2_000
MAX_SUMMARY = 10_000
MAX_IMPACT = 2_000
MAX_LINE = 200
MAX_LINES = 20
EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 5  # a meeting (or a committee's consideration) more than this far ahead is a typing slip

# Control characters nobody types on purpose (PostgreSQL cannot even store NUL); tab and new line stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BULLET = re.compile(r"^[-•*]\s+")

TEXTS = {  # field -> (what the messages call it, most characters)
    "recommendation": ("recommendation", MAX_RECOMMENDATION),
    "executive_summary": ("executive summary", MAX_SUMMARY),
    **{f"impact_{key}": (f"{name.lower()} impact statement", MAX_IMPACT) for key, name in IMPACTS.items()},
}
LINES = {"strategic_objectives": "strategic objectives", "baf_risks": "Board Assurance Framework risks"}
NAMES = {"executive_lead": "executive lead", "author": "author"}


class CoverError(ServiceError):
    """Every problem with a cover, each keyed by the form field it belongs to; the first is the message."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1], field=problems[0][0])
        self.problems = problems


def cover_of(session: Session, strategy: Strategy) -> BoardCover | None:
    """The strategy's stored cover sheet, or None when nobody has filled one in."""
    return session.exec(select(BoardCover).where(BoardCover.strategy_id == strategy.id,
                                                 BoardCover.organisation_id == strategy.organisation_id)).first()


def _text(value: Any, *, one_line: bool) -> str:
    """Text as typed, without control characters or Windows line ends; one line where it must be."""
    text = CONTROL.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    if one_line:
        return " ".join(text.split())
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _date(value: Any) -> date | None:
    """A date from a date, or from text as 2027-03-12 or 12/03/2027; None for nothing; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _text(value, one_line=True)
    if not raw:
        return None
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", raw):
        day, month, year = (int(p) for p in raw.split("/"))
        return date(year, month, day)
    return date.fromisoformat(raw)


def _latest(today: date) -> date:
    return date(today.year + YEARS_AHEAD, 12, 31)


def _checked_date(value: Any, field: str, label: str, today: date, problems: list[tuple[str, str]]) -> date | None:
    try:
        found = _date(value)
    except ValueError:
        problems.append((field, f"Enter the {label} as a real date, for example 2027-03-12"))
        return None
    if found is not None and not EARLIEST <= found <= _latest(today):
        problems.append((field, f"The {label} must be between {long_date(EARLIEST)} and {long_date(_latest(today))}"))
        return None
    return found


def _lines(value: Any) -> list[str]:
    items: Iterable[Any] = (value if isinstance(value, (list, tuple))
                            else _text(value, one_line=False).split("\n"))
    out = []
    for item in items:
        line = BULLET.sub("", _text(item, one_line=True))
        if line:
            out.append(line)
    return out


def _considered(values: Any, meeting_date: date | None, today: date,
                problems: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The committees that considered the paper before, each both named and dated (or left out)."""
    entries = list(values or [])
    out: list[dict[str, str]] = []
    for number, entry in enumerate(entries, start=1):
        entry = entry if isinstance(entry, Mapping) else {}
        by = _text(entry.get("by"), one_line=True)
        by_field, on_field = f"considered_by_{number}", f"considered_on_{number}"
        on = _checked_date(entry.get("on"), on_field, f"date of previous consideration {number}", today, problems)
        bad_date = any(f == on_field for f, _m in problems)
        if not by and on is None and not bad_date:
            continue
        if len(by) > MAX_NAME:
            problems.append((by_field, f"The name of committee {number} must be {MAX_NAME} characters or fewer "
                                       f"(it has {len(by):,})"))
        if not by:
            problems.append((by_field, f"Enter the committee or meeting that considered the paper "
                                       f"(previous consideration {number}), or clear its date"))
        if on is None and not bad_date:
            problems.append((on_field, f"Enter the date {by or 'the committee'} considered the paper, or clear "
                                       "the committee's name"))
        if on is not None and meeting_date is not None and on > meeting_date:
            problems.append((on_field, f"The date of previous consideration {number} must be on or before the "
                                       f"meeting date ({long_date(meeting_date)})"))
        if by and on is not None:
            out.append({"by": by, "on": on.isoformat()})
    if len(out) > MAX_CONSIDERED:
        problems.append(("considered_by_1", f"List at most {MAX_CONSIDERED} previous considerations"))
    return out


def check_cover(values: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The cover's columns, cleaned; a CoverError naming every field that is wrong."""
    problems: list[tuple[str, str]] = []
    clean: dict[str, Any] = {}
    meeting = _text(values.get("meeting", DEFAULT_MEETING), one_line=True)
    if not meeting:
        problems.append(("meeting", "Enter the meeting the paper goes to, for example Board or People Committee"))
    elif len(meeting) > MAX_MEETING:
        problems.append(("meeting", f"The meeting must be {MAX_MEETING} characters or fewer (it has {len(meeting):,})"))
    clean["meeting"] = meeting
    clean["meeting_date"] = _checked_date(values.get("meeting_date"), "meeting_date", "meeting date", today, problems)
    agenda_item = _text(values.get("agenda_item"), one_line=True)
    if len(agenda_item) > MAX_AGENDA_ITEM:
        problems.append(("agenda_item", f"The agenda item must be {MAX_AGENDA_ITEM} characters or fewer, "
                                        "for example 7.2"))
    clean["agenda_item"] = agenda_item
    part = _text(values.get("part", "1"), one_line=True)
    if part not in PARTS:
        problems.append(("part", "Choose Part 1 (public) or Part 2 (private)"))
    clean["part"] = part
    for field, label in NAMES.items():
        name = _text(values.get(field), one_line=True)
        if len(name) > MAX_NAME:
            problems.append((field, f"The {label}'s name and title must be {MAX_NAME} characters or fewer "
                                    f"(they have {len(name):,})"))
        clean[field] = name
    purpose = _text(values.get("purpose", "approval"), one_line=True)
    if purpose not in PURPOSES:
        problems.append(("purpose", "Choose the paper's purpose: approval, assurance, discussion or information"))
    clean["purpose"] = purpose
    for field, (label, most) in TEXTS.items():
        text = _text(values.get(field), one_line=False)
        if len(text) > most:
            problems.append((field, f"The {label} must be {most:,} characters or fewer (it has {len(text):,})"))
        clean[field] = text
    for field, label in LINES.items():
        lines = _lines(values.get(field))
        long = [n for n, line in enumerate(lines, start=1) if len(line) > MAX_LINE]
        if long:
            problems.append((field, f"Each of the {label} must be {MAX_LINE} characters or fewer "
                                    f"(line {long[0]} has {len(lines[long[0] - 1]):,})"))
        if len(lines) > MAX_LINES:
            problems.append((field, f"List at most {MAX_LINES} {label}, one on each line (there are {len(lines)})"))
        clean[field] = "\n".join(lines)
    considered = _considered(values.get("previously_considered"), clean["meeting_date"], today, problems)
    clean["previously_considered"] = json.dumps(considered)
    if problems:
        raise CoverError(problems)
    return clean


def _as_record(cover: BoardCover) -> dict[str, Any]:
    """The cover's columns as the audit trail shows them."""
    out = {f: getattr(cover, f) for f in BoardCover.model_fields
           if f not in ("id", "organisation_id", "strategy_id", "updated_at", "updated_by", "version")}
    out["meeting_date"] = cover.meeting_date.isoformat() if cover.meeting_date else None
    out["previously_considered"] = json.loads(cover.previously_considered or "[]")
    return out


def save_cover(*, session: Session, strategy: Strategy, organisation: Organisation, values: Mapping[str, Any],
               actor: User | None, today: date | None = None, commit: bool = True,
               version: int | None = None) -> BoardCover:
    """Check and store the strategy's cover sheet, with its audit event, in one commit; refused if the
    cover changed since `version` was read (0: none was stored then)."""
    if strategy.organisation_id != organisation.id:
        raise ServiceError("The strategy is not this organisation's")
    cover = cover_of(session, strategy)
    if version is not None and version != (cover.version if cover else 0):
        raise StaleEdit(cover, cover.version if cover else 0)
    clean = check_cover(values, today or date.today())
    before: dict[str, Any] = {}
    if cover is None:
        cover = BoardCover(organisation_id=strategy.organisation_id, strategy_id=strategy.id)
    else:
        before = _as_record(cover)
    for field, value in clean.items():
        setattr(cover, field, value)
    cover.updated_at = utcnow()
    cover.updated_by = actor.id if actor else None
    session.add(cover)
    commit_checked(session, cover if before else None, commit=False)
    record(session, action="update" if before else "create", entity="board_cover", entity_id=cover.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes=diff(before, _as_record(cover)))
    commit_checked(session, cover if before else None, commit=commit)
    return cover


def cover_content(session: Session, strategy: Strategy, *, prepared_by: str) -> dict[str, Any]:
    """The cover as plain JSON-ready data (the shape planner.exports.cover describes); the defaults when
    none is stored. Prepared by: the name given, or else the cover's author."""
    cover = cover_of(session, strategy)
    if cover is None:
        return default_cover(prepared_by)
    return {
        "meeting": cover.meeting,
        "meeting_date": cover.meeting_date.isoformat() if cover.meeting_date else None,
        "agenda_item": cover.agenda_item,
        "part": cover.part,
        "part_name": PARTS.get(cover.part, cover.part),
        "executive_lead": cover.executive_lead,
        "author": cover.author,
        "purpose": cover.purpose,
        "purpose_name": PURPOSES.get(cover.purpose, cover.purpose),
        "recommendation": cover.recommendation,
        "executive_summary": cover.executive_summary,
        "strategic_objectives": [line for line in cover.strategic_objectives.split("\n") if line],
        "baf_risks": [line for line in cover.baf_risks.split("\n") if line],
        "impact": {key: getattr(cover, f"impact_{key}") for key in IMPACTS},
        "previously_considered": [{"by": str(e["by"]), "on": str(e["on"])}
                                  for e in json.loads(cover.previously_considered or "[]")],
        "prepared_by": prepared_by or cover.author,
        "set": True,
    }
