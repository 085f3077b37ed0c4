"""The Diversity step's pages: small numbers withheld from the representation table, who may see
them unsuppressed, the threshold setting, WRES indicators, benchmarks, shortlisting, targets solved
on the forecast engine, and the demo."""

from __future__ import annotations

import html
import json
import random
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from planner.forecast import forecast
from planner.models import Benchmark, DiversityCount, DiversityTarget, Organisation, ShortlistingFigure
from planner.services import scenarios
from tests import factories
from tests.conftest import login
from tests.editing import post_form

ETHNICITY = ("white", "bme", "not_stated")
LEVELS = ("board", "senior", "middle", "frontline")
ROW_LABELS = {"Board": "board", "Senior leaders": "senior", "Middle leaders": "middle",
              "Frontline leaders": "frontline", "All staff": None}
BME = "Black and minority ethnic (BME)"


class _Cells(HTMLParser):
    """The body rows of the tables with ids, as cell texts; dt/dd pairs of the lists with ids."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.lists: dict[str, list[tuple[str, str]]] = {}
        self._table: list[str | None] = []
        self._list: str | None = None
        self._in_body = False
        self._row: list[str] | None = None
        self._text: list[str] | None = None
        self._dt: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table.append(found.get("id"))
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._text = []
        elif tag == "dl" and found.get("id"):
            self._list = found["id"]
            self.lists[self._list] = []
        elif tag in ("dt", "dd") and self._list:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text).split()) if self._text is not None else ""
        if tag in ("td", "th") and self._row is not None and self._text is not None:
            self._row.append(text)
            self._text = None
        elif tag == "tr" and self._row is not None:
            if self._table and self._table[-1]:
                self.tables.setdefault(self._table[-1], []).append(self._row)  # type: ignore[index]
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table" and self._table:
            self._table.pop()
        elif tag == "dt" and self._list and self._text is not None:
            self._dt, self._text = text, None
        elif tag == "dd" and self._list and self._text is not None:
            self.lists[self._list].append((self._dt or "", text))
            self._text = None
        elif tag == "dl":
            self._list = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def cells_of(response) -> _Cells:  # type: ignore[no-untyped-def]
    parser = _Cells()
    parser.feed(response.get_data(as_text=True))
    return parser


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def representation(response, groups: tuple[str, ...] = ETHNICITY) -> dict[str | None, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The representation table as {level key or None: {"counts": {group: text}, "shares": ..., "total": text}}."""
    out: dict[str | None, dict[str, Any]] = {}
    for row in cells_of(response).tables["representation"]:
        if row[0].endswith("(benchmark)"):
            continue
        assert len(row) == 2 + 2 * len(groups), row
        out[ROW_LABELS[row[0]]] = {
            "counts": {g: row[1 + 2 * i] for i, g in enumerate(groups)},
            "shares": {g: row[2 + 2 * i] for i, g in enumerate(groups)},
            "total": row[-1],
        }
    return out


def another_client(app, db: Session, org, role: str) -> FlaskClient:  # type: ignore[no-untyped-def]
    other = app.test_client()
    login(other, factories.make_member(db, org, role=role).email)
    return other


@pytest.fixture
def areas(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    med = factories.make_area(db, strategy, "MED", "Medicine")
    ed = factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    surg = factories.make_area(db, strategy, "SURG", "Surgery")
    return {"MED": med, "MED-ED": ed, "SURG": surg}


@pytest.fixture
def levels(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {key: factories.level(db, strategy, key) for key in LEVELS}


def store(db: Session, strategy, areas, levels, counts: dict[tuple[str, str | None, str, str], int]) -> None:  # type: ignore[no-untyped-def]
    """Diversity counts straight into the table: (area code, level key or None, characteristic, group) -> n."""
    for (area, level, characteristic, group), n in counts.items():
        db.add(DiversityCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                              area_id=areas[area].id, level_id=levels[level].id if level else None,
                              characteristic=characteristic, group_key=group, count=n))
    db.commit()


def set_threshold(db: Session, org: Organisation, threshold: int) -> None:
    org.suppression_threshold = threshold
    db.add(org)
    db.commit()


# --- suppression on the representation page -------------------------------------------------

def random_counts(seed: int) -> tuple[int, dict[tuple[str, str | None, str, str], int]]:
    """A threshold and counts for every area, level (and all staff) and ethnicity group: many zeros,
    many small counts, some large."""
    rng = random.Random(seed)
    threshold = rng.choice([3, 5, 7, 10])
    counts: dict[tuple[str, str | None, str, str], int] = {}
    for area in ("MED", "MED-ED", "SURG"):
        for level in (*LEVELS, None):
            for group in ETHNICITY:
                kind = rng.random()
                n = 0 if kind < 0.35 else rng.randint(1, threshold) if kind < 0.7 else rng.randint(threshold + 1, 60)
                if n:
                    counts[(area, level, "ethnicity", group)] = n
    return threshold, counts


def true_cells(counts: dict[tuple[str, str | None, str, str], int],
               area_codes: set[str]) -> dict[tuple[str | None, str], int]:
    out: dict[tuple[str | None, str], int] = {}
    for (area, level, _char, group), n in counts.items():
        if area in area_codes:
            out[(level, group)] = out.get((level, group), 0) + n
    return out


@pytest.mark.parametrize("seed", range(8))
def test_a_viewer_never_sees_a_count_from_1_to_the_threshold(client, db: Session, org, strategy, areas, levels,
                                                            signed_in, seed: int) -> None:
    threshold, counts = random_counts(seed)
    set_threshold(db, org, threshold)
    store(db, strategy, areas, levels, counts)
    signed_in("viewer")
    views = [("", {"MED", "MED-ED", "SURG"}), (f"&area={areas['MED'].id}", {"MED", "MED-ED"}),
             (f"&area={areas['SURG'].id}", {"SURG"})]
    small_seen = 0
    for query, codes in views:
        for asked in ("", "&unsuppressed=1"):  # a viewer asking for unsuppressed figures gets the same
            response = client.get(f"/strategies/{strategy.id}/diversity?characteristic=ethnicity{query}{asked}")
            assert response.status_code == 200
            truth = true_cells(counts, codes)
            table = representation(response)
            assert set(table) == {*LEVELS, None}
            for level, row in table.items():
                withheld = [g for g, text in row["counts"].items() if text == "*"]
                for group, text in row["counts"].items():
                    true = truth.get((level, group), 0)
                    small_seen += 1 <= true <= threshold
                    if text == "*":
                        # A zero is withheld only where one small count in the row needs a partner and no
                        # other count will do (the level's total is the baseline's, public anyway).
                        nonzero = [g for g in withheld if truth.get((level, g), 0)]
                        assert true > 0 or len(nonzero) == 1, "a zero is withheld where nothing else would do"
                        assert row["shares"][group] == "*", "a share of a withheld count is withheld"
                    else:
                        assert int(text.replace(",", "")) == true
                        if level != "board":  # the board's composition is public (the default setting)
                            assert not 1 <= true <= threshold, f"{level}/{group}: {true} shown at {threshold}"
                    if level == "board":
                        assert text != "*", "a public level is never suppressed"
                # How many leaders a level has is public (the baseline), so it is never withheld, and one
                # withheld cell beside it would be given away.
                assert row["total"] != "*" and len(withheld) != 1, row
            assert "Exact counts" not in page_text(response)
    assert small_seen, "the table had no small counts to withhold, so the test proved nothing"


def _fixed_counts() -> dict[tuple[str, str | None, str, str], int]:
    return {("MED", "frontline", "ethnicity", "white"): 40, ("MED", "frontline", "ethnicity", "bme"): 5,
            ("MED", "middle", "ethnicity", "white"): 30, ("MED", "middle", "ethnicity", "bme"): 9,
            ("MED", "middle", "ethnicity", "not_stated"): 2,
            ("MED", None, "ethnicity", "white"): 400, ("MED", None, "ethnicity", "bme"): 100}


@pytest.mark.parametrize(("role", "sees_unsuppressed"), [
    ("admin", True), ("planner", True), ("editor", False), ("contributor", False), ("viewer", False),
])
def test_only_admins_and_planners_see_unsuppressed_figures_and_then_under_a_warning(
        client, db: Session, strategy, areas, levels, signed_in, role: str, sees_unsuppressed: bool) -> None:
    store(db, strategy, areas, levels, _fixed_counts())
    signed_in(role)
    plain = client.get(f"/strategies/{strategy.id}/diversity?characteristic=ethnicity")
    assert representation(plain)["frontline"]["counts"]["bme"] == "*"
    assert "Exact counts" not in page_text(plain)
    assert ("Show unsuppressed figures" in page_text(plain)) is sees_unsuppressed
    asked = client.get(f"/strategies/{strategy.id}/diversity?characteristic=ethnicity&unsuppressed=1")
    table = representation(asked)
    if sees_unsuppressed:
        assert table["frontline"]["counts"] == {"white": "40", "bme": "5", "not_stated": "0"}
        assert table["middle"]["counts"] == {"white": "30", "bme": "9", "not_stated": "2"}
        assert "Exact counts: for the board and its committees only" in page_text(asked)
    else:
        assert table["frontline"]["counts"]["bme"] == "*" and table["middle"]["counts"]["not_stated"] == "*"
        assert "Exact counts" not in page_text(asked)


@pytest.mark.parametrize(("threshold", "bme_frontline", "withheld"), [
    (3, 5, False), (4, 5, False), (5, 5, True), (7, 5, True), (8, 9, False), (9, 9, True), (10, 9, True),
    (3, 3, True), (3, 4, False),
])
def test_the_threshold_set_in_settings_decides_what_is_withheld(app, client, db: Session, org, strategy, areas,
                                                                levels, signed_in, threshold: int,
                                                                bme_frontline: int, withheld: bool) -> None:
    store(db, strategy, areas, levels, {("MED", "frontline", "ethnicity", "white"): 40,
                                        ("MED", "frontline", "ethnicity", "bme"): bme_frontline})
    signed_in("admin")
    saved = client.post("/admin/settings", data={"suppression_threshold": str(threshold)})
    assert saved.status_code == 302
    viewer = another_client(app, db, org, "viewer")
    shown = representation(viewer.get(f"/strategies/{strategy.id}/diversity"))["frontline"]["counts"]
    assert shown["bme"] == ("*" if withheld else str(bme_frontline))
    assert shown["white"] == ("*" if withheld else "40")


@pytest.mark.parametrize("value", ["2", "11", "0", "abc", "", "7.5", "-3"])
def test_a_threshold_outside_3_to_10_is_refused(client, db: Session, org, strategy, signed_in, value: str) -> None:
    signed_in("admin")
    response = client.post("/admin/settings", data={"suppression_threshold": value})
    assert response.status_code == 400
    assert "The threshold must be a whole number from 3 to 10" in page_text(response)
    db.expire_all()
    assert db.get(Organisation, org.id).suppression_threshold == 7  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ["planner", "editor", "viewer"])
def test_only_admins_change_the_threshold(client, db: Session, org, signed_in, role: str) -> None:
    signed_in(role)
    assert client.post("/admin/settings", data={"suppression_threshold": "3"}).status_code == 403
    db.expire_all()
    assert db.get(Organisation, org.id).suppression_threshold == 7  # type: ignore[union-attr]


@pytest.mark.parametrize("query", ["characteristic=religion", "area={other_area}", "area=999999"])
def test_an_unknown_characteristic_or_another_strategys_area_is_404(client, db: Session, org, strategy, areas,
                                                                    signed_in, query: str) -> None:
    other = factories.make_strategy(db, org, title="Another Strategy")
    other_area = factories.make_area(db, other, "ELSE", "Elsewhere")
    signed_in("admin")
    response = client.get(f"/strategies/{strategy.id}/diversity?{query.format(other_area=other_area.id)}")
    assert response.status_code == 404


# --- indicators ------------------------------------------------------------------------------

@pytest.mark.parametrize(("characteristic", "figures", "shown"), [
    ("ethnicity", {"white": (100, 20), "bme": (50, 5)}, "2.00"),
    ("ethnicity", {"white": (80, 20), "bme": (40, 10)}, "1.00"),
    ("ethnicity", {"white": (200, 30), "bme": (100, 20), "not_stated": (10, 9)}, "0.75"),
    ("ethnicity", {"white": (100, 20), "bme": (50, 0)}, None),  # no BME appointments: no ratio
    ("disability", {"not_disabled": (90, 30), "disabled": (30, 5)}, "2.00"),
])
def test_relative_likelihood_of_appointment_from_shortlisting(client, db: Session, strategy, signed_in,
                                                              characteristic: str,
                                                              figures: dict[str, tuple[int, int]],
                                                              shown: str | None) -> None:
    signed_in("planner")
    form = {}
    for group, (shortlisted, appointed) in figures.items():
        form[f"shortlisted-{group}"], form[f"appointed-{group}"] = str(shortlisted), str(appointed)
    saved = client.post(f"/strategies/{strategy.id}/diversity/shortlisting?characteristic={characteristic}",
                        data=form)
    assert saved.status_code == 302
    stored = {f.group_key: (f.shortlisted, f.appointed) for f in db.exec(select(ShortlistingFigure))}
    assert {g: v for g, v in stored.items() if v != (0, 0)} == figures
    page = client.get(f"/strategies/{strategy.id}/diversity?characteristic={characteristic}")
    measure = "WRES indicator 2" if characteristic == "ethnicity" else "WDES metric 2"
    likelihood = dict(cells_of(page).lists["indicators"])[
        f"Relative likelihood of appointment from shortlisting ({measure})"]
    if shown is None:
        assert likelihood.startswith("Not available")
    else:
        assert likelihood.startswith(f"{shown}: ")
        assert f"<strong>{shown}</strong>" in page.get_data(as_text=True)


# Worked examples: each level's BME share minus the workforce's (all staff 200 of 1,000 = 20%).
GAP_COUNTS = {
    None: {"white": 760, "bme": 200, "not_stated": 40},
    "board": {"white": 24, "bme": 8},  # 8 of 32 = 25%: +5.0 (indicator 9)
    "senior": {"white": 72, "bme": 8},  # 10%: -10.0
    "middle": {"white": 60, "bme": 40},  # 40%: +20.0
    "frontline": {"white": 150, "bme": 45, "not_stated": 30},  # 45 of 225 = 20%: +0.0
}


def test_indicator_1_and_9_gaps_in_percentage_points(client, db: Session, strategy, areas, levels,
                                                     signed_in) -> None:
    store(db, strategy, areas, levels, {("MED", level, "ethnicity", g): n
                                        for level, groups in GAP_COUNTS.items() for g, n in groups.items()})
    signed_in("viewer")
    listed = dict(cells_of(client.get(f"/strategies/{strategy.id}/diversity")).lists["indicators"])
    assert listed[f"Board: {BME} share against the workforce (WRES indicator 1; WRES indicator 9 for the board)"] \
        == "+5.0 percentage points"
    assert listed[f"Senior leaders: {BME} share against the workforce (WRES indicator 1)"] == "-10.0 percentage points"
    assert listed[f"Middle leaders: {BME} share against the workforce (WRES indicator 1)"] == "+20.0 percentage points"
    assert listed[f"Frontline leaders: {BME} share against the workforce (WRES indicator 1)"] == \
        "+0.0 percentage points"


def test_a_gap_from_a_withheld_share_is_not_shown(client, db: Session, strategy, areas, levels,
                                                  signed_in) -> None:
    counts = {("MED", level, "ethnicity", g): n for level, groups in GAP_COUNTS.items() for g, n in groups.items()}
    counts[("MED", "senior", "ethnicity", "bme")] = 3  # withheld at the default threshold of 7
    counts[("MED", "board", "ethnicity", "bme")] = 3  # shown: the board's composition is public
    store(db, strategy, areas, levels, counts)
    signed_in("viewer")
    listed = dict(cells_of(client.get(f"/strategies/{strategy.id}/diversity")).lists["indicators"])
    assert listed[f"Senior leaders: {BME} share against the workforce (WRES indicator 1)"] \
        == "Not available (withheld or no figures)"
    assert listed[f"Board: {BME} share against the workforce (WRES indicator 1; WRES indicator 9 for the board)"] \
        == "-8.9 percentage points"  # 3 of 27 against 20%
    assert listed[f"Middle leaders: {BME} share against the workforce (WRES indicator 1)"] == "+20.0 percentage points"


def test_the_disability_page_names_the_wdes_metrics(client, db: Session, strategy, areas, levels,
                                                    signed_in) -> None:
    store(db, strategy, areas, levels, {("MED", level, "disability", g): n for level, groups in {
        None: {"disabled": 100, "not_disabled": 900}, "board": {"disabled": 8, "not_disabled": 24},
        "senior": {"disabled": 10, "not_disabled": 70}}.items() for g, n in groups.items()})
    signed_in("viewer")
    response = client.get(f"/strategies/{strategy.id}/diversity?characteristic=disability")
    text = page_text(response)
    listed = dict(cells_of(response).lists["indicators"])
    assert listed["Board: Disabled share against the workforce (WDES metric 1; WDES metric 10 for the board)"] == \
        "+15.0 percentage points"  # 8 of 32 = 25% against 10%
    assert "Relative likelihood of appointment from shortlisting (WDES metric 2)" in listed
    assert "Workforce Disability Equality Standard (WDES) metrics" in text
    assert "WDES metric 10 does the same for the board" in text
    assert "indicator 9" not in text and "WRES" not in text.split("Workforce Disability Equality Standard")[1]


# --- benchmarks and shortlisting forms -----------------------------------------------------

def test_benchmarks_are_saved_as_shares_and_shown_on_the_representation_page(client, db: Session, strategy,
                                                                             signed_in) -> None:
    signed_in("planner")
    saved = client.post(f"/strategies/{strategy.id}/diversity/benchmarks?characteristic=ethnicity", data={
        "community-white": "80", "community-bme": "18.5%", "community-not_stated": "",
        "national-white": "71.2", "national-bme": "26", "national-not_stated": "2.8"})
    assert saved.status_code == 302
    rows = {(b.source, b.group_key): b.share for b in db.exec(select(Benchmark))}
    assert rows == pytest.approx({("community", "white"): 0.80, ("community", "bme"): 0.185,
                                  ("national", "white"): 0.712, ("national", "bme"): 0.26,
                                  ("national", "not_stated"): 0.028})
    table = cells_of(client.get(f"/strategies/{strategy.id}/diversity?characteristic=ethnicity")).tables[
        "representation"]
    shown = {row[0]: [row[2], row[4], row[6]] for row in table if row[0].endswith("(benchmark)")}
    assert shown == {"Local community (benchmark)": ["80.0%", "18.5%", "–"],
                     "National comparator (benchmark)": ["71.2%", "26.0%", "2.8%"]}


@pytest.mark.parametrize(("form", "message"), [
    ({"community-white": "70", "community-bme": "40"},
     "Local community: the shares add up to 110.0%, more than 100%"),
    ({"national-white": "60", "national-bme": "30", "national-not_stated": "10.5"},
     "National comparator: the shares add up to 100.5%, more than 100%"),
    ({"community-white": "abc"}, "Local community: White must be a number: a percentage, like 12.5"),
    ({"community-bme": "150"}, f"Local community: {BME} must be from 0 to 100"),
    ({"national-white": "-5"}, "National comparator: White must be from 0 to 100"),
])
def test_bad_benchmarks_are_refused_and_nothing_changes(client, db: Session, strategy, signed_in,
                                                        form: dict[str, str], message: str) -> None:
    signed_in("planner")
    url = f"/strategies/{strategy.id}/diversity/benchmarks?characteristic=ethnicity"
    assert client.post(url, data={"community-white": "50", "community-bme": "45"}).status_code == 302
    response = client.post(url, data=form)
    assert response.status_code == 400
    assert message in page_text(response)
    db.expire_all()
    rows = {(b.source, b.group_key): b.share for b in db.exec(select(Benchmark))}
    assert rows == pytest.approx({("community", "white"): 0.5, ("community", "bme"): 0.45})


@pytest.mark.parametrize(("form", "message"), [
    ({"shortlisted-white": "10", "appointed-white": "20"}, "White: 20 appointed is more than the 10 shortlisted"),
    ({"shortlisted-bme": "abc", "appointed-bme": "1"}, f"{BME}: shortlisted must be a whole number of 0 or more"),
    ({"shortlisted-bme": "5", "appointed-bme": "-1"}, f"{BME}: appointed cannot be negative"),
])
def test_bad_shortlisting_figures_are_refused_and_nothing_is_saved(client, db: Session, strategy, signed_in,
                                                                   form: dict[str, str], message: str) -> None:
    signed_in("planner")
    response = client.post(f"/strategies/{strategy.id}/diversity/shortlisting?characteristic=ethnicity", data=form)
    assert response.status_code == 400
    assert message in page_text(response)
    assert db.exec(select(func.count()).select_from(ShortlistingFigure)).one() == 0


@pytest.mark.parametrize("path", ["benchmarks?characteristic=ethnicity", "shortlisting?characteristic=ethnicity"])
def test_viewers_cannot_change_benchmarks_or_shortlisting(client, db: Session, strategy, signed_in,
                                                          path: str) -> None:
    signed_in("viewer")
    url = f"/strategies/{strategy.id}/diversity/{path}"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"community-white": "50", "shortlisted-white": "5"}).status_code == 403
    assert db.exec(select(func.count()).select_from(Benchmark)).one() == 0
    assert db.exec(select(func.count()).select_from(ShortlistingFigure)).one() == 0


# --- targets ---------------------------------------------------------------------------------

@pytest.fixture
def planned(db: Session, strategy, areas, levels) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A baseline the forecast runs on, a scenario, and BME leaders: 12 of the 80 middle leaders."""
    factories.set_baseline(db, strategy, areas["MED"], staff=1000, fte=900.0, board=10, senior=20, middle=60,
                           frontline=150)
    factories.set_baseline(db, strategy, areas["MED-ED"], staff=400, fte=380.0, middle=20, frontline=40)
    scenario = scenarios.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    store(db, strategy, areas, levels, {
        ("MED", "middle", "ethnicity", "bme"): 8, ("MED-ED", "middle", "ethnicity", "bme"): 4,
        ("MED", "middle", "ethnicity", "white"): 52, ("MED-ED", "middle", "ethnicity", "white"): 16,
        ("MED", "frontline", "ethnicity", "bme"): 30, ("MED", None, "ethnicity", "bme"): 200,
        ("MED", "middle", "sex", "female"): 40,
        # Surgery has no baseline, so the forecast does not run on it and its leaders do not count.
        ("SURG", "middle", "ethnicity", "bme"): 5,
    })
    return {"scenario": scenario, "bme_middle": 12, "middle": 80}


def engine_result(db: Session, strategy, scenario, target: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The trajectory solver run directly on the scenario's spec plus this one target."""
    spec = scenarios.spec_for(db, strategy, scenario)
    spec.pop("uncertainty", None)
    result: dict[str, Any] = forecast({**spec, "diversity_targets": [target]})["diversity"][0]
    return result


def add_target(client: FlaskClient, strategy, **values: str):  # type: ignore[no-untyped-def]
    form = {"group": "ethnicity:bme", "level_id": "", "target_share": "30", "target_year": "2030",
            "leaver_rate_ratio": "1", **values}
    return client.post(f"/strategies/{strategy.id}/diversity/targets/new", data=form)


def target_rows(client: FlaskClient, strategy) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return cells_of(client.get(f"/strategies/{strategy.id}/diversity/targets")).tables["targets-table"]


@pytest.mark.parametrize(("level", "label", "bme", "in_post"), [
    ("middle", "middle leaders", 12, 80),  # 8 + 4 of the middle leaders in Medicine and its ED
    (None, "all leaders", 42, 300),  # every level: 12 middle and 30 frontline, of 300 leaders
])
def test_a_target_added_on_the_form_is_listed_with_the_engines_share_of_appointments(
        client, db: Session, strategy, levels, planned, signed_in, level: str | None, label: str, bme: int,
        in_post: int) -> None:
    signed_in("planner")
    response = add_target(client, strategy, level_id=str(levels[level].id) if level else "", target_share="30",
                          target_year="2030", leaver_rate_ratio="1.2")
    assert response.status_code == 302 and response.headers["Location"].endswith("/diversity/targets")
    saved = db.exec(select(DiversityTarget)).one()
    assert (saved.characteristic, saved.group_key, saved.level_id, saved.target_share, saved.target_year,
            saved.leaver_rate_ratio, saved.current_appointment_share) == (
        "ethnicity", "bme", levels[level].id if level else None, pytest.approx(0.30), 2030, pytest.approx(1.2),
        None)

    # The pool: frontline leaders below middle, the whole workforce for all leaders; only BME counted in both.
    pool = "frontline leaders" if level else "the whole workforce"
    expected = engine_result(db, strategy, planned["scenario"], {
        "level": level or "all", "group": "bme", "baseline_count": bme, "target_share": 0.30,
        "target_year": 2030, "leaver_rate_ratio": 1.2, "pipeline_share": 1.0})
    assert expected["feasible"] and expected["assessment"] == "within_pipeline"  # the arrangement
    needed = f"{expected['required_share_of_appointments'] * 100:.1f}%"
    row = target_rows(client, strategy)
    assert row == [[f"{BME}: 30.0% of {label} by 2030", f"{bme / in_post * 100:.1f}%", f"{needed} a year",
                    f"100.0% of {pool} are {BME}, from the baseline",
                    f"Within the pool Needs {needed} of appointments to {'middle leader' if level else 'leadership'} "
                    f"posts; the pool it draws from ({pool}) is 100.0% {BME}: within the pool, so fair recruitment "
                    "from it can meet the target.",
                    "Change Delete this target"]]


def test_an_infeasible_target_shows_the_earliest_year_it_could_be_met(client, db: Session, strategy, levels,
                                                                      planned, signed_in) -> None:
    target = {"level": "middle", "group": "bme", "baseline_count": planned["bme_middle"], "target_share": 0.40}
    by_year = {year: engine_result(db, strategy, planned["scenario"], {**target, "target_year": year})
               for year in range(2028, 2032)}
    earliest = next(year for year, r in by_year.items() if r["feasible"])
    assert not by_year[2028]["feasible"] and earliest > 2028  # the arrangement
    signed_in("planner")
    assert add_target(client, strategy, level_id=str(levels["middle"].id), target_share="40",
                      target_year="2028").status_code == 302
    row = target_rows(client, strategy)[0]
    assert row[2] == f"{by_year[2028]['required_share_of_appointments'] * 100:.1f}% a year"
    assert row[4] == (f"Not reachable by appointments Needs {row[2].removesuffix(' a year')} of appointments to "
                      "middle leader posts: more than every appointment, so it cannot be reached by 2028 through "
                      f"appointments alone. The earliest year it could be met is {earliest}.")


def test_a_target_that_cannot_be_met_in_the_period_says_so(client, db: Session, strategy, levels, planned,
                                                           signed_in) -> None:
    target = {"level": "board", "group": "bme", "baseline_count": 0, "target_share": 1.0}
    assert not any(engine_result(db, strategy, planned["scenario"], {**target, "target_year": year})["feasible"]
                   for year in range(2027, 2032))
    signed_in("planner")
    assert add_target(client, strategy, level_id=str(levels["board"].id), target_share="100",
                      target_year="2027").status_code == 302
    verdict = target_rows(client, strategy)[0][4]
    assert verdict.startswith("Not reachable by appointments ")
    assert verdict.endswith("It cannot be met within the strategy's period.")


@pytest.mark.parametrize(("values", "message"), [
    ({"target_year": "2026"}, "The target year must be from 2027 to 2031"),
    ({"target_year": "2032"}, "The target year must be from 2027 to 2031"),
    ({"target_year": "next"}, "Enter the target year, like 2031"),
    ({"target_share": "120"}, "The target share must be from 0 to 100"),
    ({"target_share": ""}, "Enter the target share, as a percentage"),
    ({"group": "religion:any"}, "Choose a group"),
    ({"leaver_rate_ratio": "lots"}, "The leaver rate ratio must be a number, like 1.2"),
])
def test_a_bad_target_is_refused_with_a_message(client, db: Session, strategy, planned, signed_in,
                                                values: dict[str, str], message: str) -> None:
    signed_in("planner")
    response = add_target(client, strategy, **values)
    assert response.status_code == 400
    assert message in page_text(response)
    assert db.exec(select(func.count()).select_from(DiversityTarget)).one() == 0


def test_the_target_page_has_the_trajectory_chart_and_table(client, db: Session, strategy, levels, planned,
                                                            signed_in) -> None:
    signed_in("planner")
    add_target(client, strategy, level_id=str(levels["middle"].id), target_share="25", target_year="2031")
    target = db.exec(select(DiversityTarget)).one()
    expected = engine_result(db, strategy, planned["scenario"], {
        "level": "middle", "group": "bme", "baseline_count": planned["bme_middle"], "target_share": 0.25,
        "target_year": 2031, "leaver_rate_ratio": 1.0})
    response = client.get(f"/strategies/{strategy.id}/diversity/targets/{target.id}")
    assert response.status_code == 200
    found = re.search(r'<script type="application/json" id="chart-trajectory-data">(.*?)</script>',
                      response.get_data(as_text=True), re.S)
    assert found, "no trajectory chart data"
    figure = json.loads(found.group(1))
    traces = {trace["name"]: trace for trace in figure["data"]}
    needed = traces["With the appointments needed"]
    assert needed["x"] == [p["year"] for p in expected["trajectory"]] == [2027, 2028, 2029, 2030, 2031]
    assert needed["y"] == pytest.approx([p["share"] for p in expected["trajectory"]])
    assert traces["No action (current appointments)"]["y"] == pytest.approx([p["share"] for p in expected["no_action"]])
    assert traces["Target by 2031"]["y"] == [0.25, 0.25]
    assert cells_of(response).tables["trajectory-table"] == [
        [str(p["year"]), f"{p['share'] * 100:.1f}%", f"{p['appointments_from_group']:,.1f}",
         f"{n['share'] * 100:.1f}%"] for p, n in zip(expected["trajectory"], expected["no_action"], strict=True)]


def test_a_target_can_be_changed_and_deleted(client, db: Session, strategy, levels, planned, signed_in) -> None:
    signed_in("planner")
    add_target(client, strategy, level_id=str(levels["middle"].id))
    target = db.exec(select(DiversityTarget)).one()
    changed = post_form(client, f"/strategies/{strategy.id}/diversity/targets/{target.id}/edit", data={
        "group": "ethnicity:bme", "level_id": str(levels["senior"].id), "target_share": "22.5",
        "target_year": "2031", "leaver_rate_ratio": "1"})
    assert changed.status_code == 302
    db.expire_all()
    again = db.exec(select(DiversityTarget)).one()
    assert (again.level_id, again.target_share, again.target_year) == (levels["senior"].id, pytest.approx(0.225),
                                                                       2031)
    deleted = client.post(f"/strategies/{strategy.id}/diversity/targets/{target.id}/delete")
    assert deleted.status_code == 302
    assert db.exec(select(func.count()).select_from(DiversityTarget)).one() == 0
    assert "No targets yet." in page_text(client.get(f"/strategies/{strategy.id}/diversity/targets"))


def test_viewers_cannot_add_change_or_delete_targets(app, client, db: Session, org, strategy, levels, planned,
                                                     signed_in) -> None:
    planner = another_client(app, db, org, "planner")
    assert add_target(planner, strategy, level_id=str(levels["middle"].id)).status_code == 302
    target = db.exec(select(DiversityTarget)).one()
    signed_in("viewer")
    base = f"/strategies/{strategy.id}/diversity/targets"
    assert client.get(f"{base}/new").status_code == 403
    assert add_target(client, strategy, target_share="50").status_code == 403
    assert client.post(f"{base}/{target.id}/edit", data={"group": "ethnicity:bme", "target_share": "90",
                                                         "target_year": "2031"}).status_code == 403
    assert client.post(f"{base}/{target.id}/delete").status_code == 403
    db.expire_all()
    kept = db.exec(select(DiversityTarget)).one()
    assert (kept.id, kept.target_share) == (target.id, pytest.approx(0.30))
    listed = client.get(base)
    assert listed.status_code == 200 and "Add a target" not in page_text(listed)


def test_a_small_baseline_count_is_withheld_from_the_targets_page_for_viewers(app, client, db: Session, org,
                                                                              strategy, areas, levels, planned,
                                                                              signed_in) -> None:
    store(db, strategy, areas, levels, {("MED", "senior", "ethnicity", "bme"): 3})
    planner = another_client(app, db, org, "planner")
    add_target(planner, strategy, group="sex:female", level_id=str(levels["middle"].id), target_share="55")
    add_target(planner, strategy, level_id=str(levels["senior"].id), target_share="20")
    signed_in("viewer")
    assert [r[1] for r in target_rows(client, strategy)] == ["50.0%", "*"]  # 40 of 80 shown; 3 of 20 withheld
    unsuppressed = planner.get(f"/strategies/{strategy.id}/diversity/targets?unsuppressed=1")
    assert [r[1] for r in cells_of(unsuppressed).tables["targets-table"]] == ["50.0%", "15.0%"]


# --- the demo --------------------------------------------------------------------------------

def test_the_demo_has_its_baseline_diversity_counts_targets_and_a_completed_diversity_step(
        client, db: Session, repo_root) -> None:
    from planner.models import Strategy
    from planner.services.baseline import baseline_of
    from planner.services.demo import load_demo
    from planner.services.structure import areas_of

    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    data = json.loads((repo_root / "data" / "demo" / "organisation.json").read_text(encoding="utf-8"))
    codes = {a.id: a.code for a in areas_of(db, strategy)}
    own = baseline_of(db, strategy)
    got = {codes[i]: (f.staff, {k: v for k, v in f.leaders.items() if v}) for i, f in own.items() if f.staff}
    expected = {row["area"]: (row["staff"], {k: v for k, v in row.get("leaders", {}).items() if v})
                for row in data["baseline"] if row["staff"]}
    assert got == expected
    counts = db.exec(select(func.count()).select_from(DiversityCount)
                     .where(DiversityCount.strategy_id == strategy.id)).one()
    assert counts > 0
    assert db.exec(select(func.count()).select_from(DiversityTarget)
                   .where(DiversityTarget.strategy_id == strategy.id)).one() == 3
    # Everyone in the extract has an ethnicity: the all-staff counts add up to the baseline's staff.
    everyone = db.exec(select(func.sum(DiversityCount.count)).where(
        DiversityCount.strategy_id == strategy.id, DiversityCount.characteristic == "ethnicity",
        DiversityCount.level_id.is_(None))).one()  # type: ignore[union-attr]
    assert everyone == sum(row["staff"] for row in data["baseline"])

    login(client, factories.make_member(db, organisation, role="viewer").email)
    home = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    status = re.search(r'id="task-diversity-status">(.*?)</div>', home, re.S)
    assert status and re.sub(r"<[^>]+>", "", status.group(1)).strip() == "Completed"
