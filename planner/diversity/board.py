"""Board member types, for WRES indicator 9 and WDES metric 10 reported by voting and by executive
membership of the board. Pure: no Flask, no database."""

from __future__ import annotations

EXECUTIVE_VOTING = "executive_voting"
EXECUTIVE_NON_VOTING = "executive_non_voting"
NON_EXECUTIVE = "non_executive"
BOARD_TYPES: dict[str, str] = {
    EXECUTIVE_VOTING: "Executive director (voting)",
    EXECUTIVE_NON_VOTING: "Executive director (non-voting)",
    NON_EXECUTIVE: "Non-executive director",
}
# The guidance's two breakdowns: voting members (executive directors with a vote and the
# non-executives) and executive members (executive directors, voting or not).
MEMBERSHIPS: dict[str, tuple[str, ...]] = {
    "voting": (EXECUTIVE_VOTING, NON_EXECUTIVE),
    "executive": (EXECUTIVE_VOTING, EXECUTIVE_NON_VOTING),
}
MEMBERSHIP_NAMES = {"voting": "Voting membership of the board", "executive": "Executive membership of the board"}
NOT_RECORDED = ("Voting and executive membership not recorded: import a staff extract with a board member "
                "type column")


def _plain(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_SPELLINGS: dict[str, str] = {}
for _key, _words in {
    EXECUTIVE_VOTING: ("executive voting", "executive (voting)", "voting executive", "executive director voting",
                       "executive director (voting)", "voting executive director", "executive - voting"),
    EXECUTIVE_NON_VOTING: ("executive non-voting", "executive (non-voting)", "non-voting executive",
                           "executive director non-voting", "executive director (non-voting)",
                           "non-voting executive director", "executive - non-voting", "executive nonvoting"),
    NON_EXECUTIVE: ("non-executive", "non executive", "non-executive director", "NED", "non exec",
                    "non-executive (voting)", "chair", "chairman", "chairperson", "chair of the board"),
    "": ("", "none", "n/a", "na", "not on the board", "not a board member", "-"),
}.items():
    for _word in (*_words, _key):
        _SPELLINGS[_plain(_word)] = _key


def parse_board_type(text: str) -> str | None:
    """A board member type key; "" for someone not on the board (blank); None if not recognised."""
    return _SPELLINGS.get(_plain(text))
