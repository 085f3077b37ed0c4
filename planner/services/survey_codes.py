"""Personal single-use invitation codes for a survey in invitation mode. Codes are issued in batches and
handed out once (a CSV for a mail-merge, or slips to print); only their SHA-256 hashes are kept. A code
records that it was used, never when, nor which response it gave (docs/self-assessment.md says what
someone with the database could and could not link)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from urllib.parse import quote, urlencode

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from planner.models import Survey, SurveyCode, User
from planner.services import ServiceError, finish
from planner.services.audit import record

# No 0/O, 1/I/L: a code read off a printed slip is typed without guessing. 20 characters of 31 are
# about 99 bits, far beyond guessing; the hash needs no salt or stretching for a secret this long.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
GROUP = 5
MAX_PER_BATCH = 2000
MAX_PER_SURVEY = 20000


class CodeRefused(ServiceError):
    """An invitation code that cannot be used: unknown (HTTP 404) or used already (HTTP 409)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message, field="code")
        self.status = status


MISSING = "Enter the invitation code from your invitation"
UNKNOWN = "We do not recognise this invitation code"
USED = "This invitation code has already been used"


def new_code() -> str:
    """A fresh random code, in groups of five for reading aloud or typing: ABCDE-FGHJK-MNPQR-STUVW."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise(code: str) -> str:
    """The code as it is hashed: letters and digits only, in capitals (spaces, hyphens and case do not matter)."""
    return re.sub(r"[^A-Za-z0-9]", "", code or "")[:64].upper()


def hash_code(code: str) -> str:
    """The SHA-256 hash (hex) under which a code is kept."""
    return hashlib.sha256(normalise(code).encode("ascii")).hexdigest()


def counts(session: Session, survey: Survey) -> tuple[int, int]:
    """How many codes the survey has issued, and how many of them have been used."""
    issued, used = session.exec(
        select(func.count(), func.coalesce(func.sum(case((col(SurveyCode.used), 1), else_=0)), 0))
        .where(SurveyCode.survey_id == survey.id)).one()
    return int(issued), int(used)


def issue_codes(*, session: Session, survey: Survey, count: int, actor: User | None, commit: bool = True) -> list[str]:
    """Issue `count` new codes for an invitation survey and return them in plain text: the only time they
    exist outside the people they are sent to."""
    if survey.mode != "invitation":
        raise ServiceError("This survey is answered through its open link: invitation codes are for "
                           "invitation surveys", field="count")
    if survey.status == "closed":
        raise ServiceError("This survey has closed: start a new survey to invite more people", field="count")
    if not 1 <= count <= MAX_PER_BATCH:
        raise ServiceError(f"Enter a number of codes from 1 to {MAX_PER_BATCH:,}", field="count")
    issued, _used = counts(session, survey)
    if issued + count > MAX_PER_SURVEY:
        raise ServiceError(f"A survey can have at most {MAX_PER_SURVEY:,} codes; this one has {issued:,}",
                           field="count")
    codes: list[str] = []
    hashes: set[str] = set()
    while len(codes) < count:
        code = new_code()
        if hash_code(code) not in hashes:  # a repeat is all but impossible; never hand out one code twice
            hashes.add(hash_code(code))
            codes.append(code)
    for code in codes:
        session.add(SurveyCode(organisation_id=survey.organisation_id, survey_id=survey.id,
                               code_hash=hash_code(code)))
    record(session, action="create", entity="survey_codes", entity_id=survey.id,
           organisation_id=survey.organisation_id, user_id=actor.id if actor else None, changes={"codes": count})
    finish(session, commit)
    return codes


def check_code(session: Session, survey: Survey, code: str) -> None:
    """Raise CodeRefused unless `code` is one of this survey's codes and still unused (changes nothing)."""
    if not normalise(code):
        raise CodeRefused(MISSING, 400)
    row = session.exec(select(SurveyCode).where(SurveyCode.code_hash == hash_code(code))).first()
    if row is None or row.survey_id != survey.id:
        raise CodeRefused(UNKNOWN, 404)
    if row.used:
        raise CodeRefused(USED, 409)


def spend_code(session: Session, survey: Survey, code: str) -> None:
    """Mark the code used in the caller's transaction, or raise CodeRefused. One conditional UPDATE, so two
    answers sent at once with the same code cannot both get in."""
    check_code(session, survey, code)
    spent = session.exec(update(SurveyCode)
                         .where(col(SurveyCode.code_hash) == hash_code(code))
                         .where(col(SurveyCode.survey_id) == survey.id)
                         .where(col(SurveyCode.used) == False)  # noqa: E712
                         .values(used=True))
    if spent.rowcount != 1:
        raise CodeRefused(USED, 409)


def codes_csv(codes: list[str], links: list[str]) -> str:
    """A CSV for a mail-merge: a header, then each code with its personal link."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["code", "link"])
    writer.writerows(zip(codes, links, strict=True))
    return out.getvalue()


def personal_link(base_url: str, token: str, code: str) -> str:
    """A code's personal link (as the app's own pages make it): the survey's answer page with the code."""
    return f"{base_url.rstrip('/')}/s/{quote(token)}?{urlencode({'code': code})}"
