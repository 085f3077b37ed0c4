"""`planner forecast`: a spec file (or standard input) in, the model's JSON out; a bad spec exits 2
with every problem on standard error; `--strategy ID --scenario NAME` forecasts a stored scenario."""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from planner.cli import main
from planner.db import engine_for
from planner.forecast import forecast
from planner.services.scenarios import scenarios_of, spec_for
from tests.factories import FAST_HASH
from tests.helpers import demo_strategy

# The example spec of model.md, copied from the page.
EXAMPLE: dict[str, Any] = {
    "start_year": 2026,
    "horizon": 5,
    "levels": [
        {"key": "board", "leaver_rate": 0.10, "ready_rate": 0.00, "internal_fill_max": 0.0},
        {"key": "senior", "leaver_rate": 0.09, "ready_rate": 0.04, "internal_fill_max": 0.6},
        {"key": "middle", "leaver_rate": 0.10, "ready_rate": 0.06, "internal_fill_max": 0.7},
        {"key": "frontline", "leaver_rate": 0.12, "ready_rate": 0.08, "internal_fill_max": 0.8},
    ],
    "areas": [
        {"key": "medicine", "staff": 2400, "staff_growth": 0.03,
         "leaders": {"board": 0, "senior": 12, "middle": 60, "frontline": 180},
         "span": {"middle": 40, "frontline": 13},
         "overrides": {"frontline": {"leaver_rate": 0.15}}},
    ],
    "diversity_targets": [
        {"level": "senior", "group": "ethnic_minority", "baseline_count": 1,
         "target_share": 0.25, "target_year": 2031,
         "leaver_rate_ratio": 1.0, "current_appointment_share": 0.15},
    ],
}

# The first frontline row, derived by hand from the yearly step of model.md:
#   senior: 12 start, 1.08 leave, demand 12 (no span) -> 1.08 vacancies, 0.6 * 1.08 filled from middle
#   middle: 60 start, 6 leave, 0.648 promoted out, demand ceil(2472 / 40) = 62 -> fills 0.7 * vacancies
#   frontline: 180 start, 15% (the override) leave, promoted_out = middle's internal fills
SENIOR_FILLS = 0.6 * (12 * 0.09)
MIDDLE_FILLS = 0.7 * (62 - (60 - 60 * 0.10 - SENIOR_FILLS))
FRONTLINE_2027 = {
    "area": "medicine", "level": "frontline", "year": 2027,
    "staff": 2400 * 1.03,
    "demand": math.ceil(2400 * 1.03 / 13),
    "start": 180.0,
    "leavers": 180 * 0.15,
    "promoted_out": MIDDLE_FILLS,
    "available": 180 - 180 * 0.15 - MIDDLE_FILLS,
    "vacancies": 191 - (180 - 180 * 0.15 - MIDDLE_FILLS),
    "ready": 0.0,  # the bottom level has no level below
    "internal_fills": 0.0,
    "external_appointments": 191 - (180 - 180 * 0.15 - MIDDLE_FILLS),
    "end": 191.0,
    "shortfall_without_recruitment": 191 - (180 - 180 * 0.15 - MIDDLE_FILLS),
}

# Five problems in one spec: every one must be reported, with its path and the value.
BAD_PROBLEMS = [
    "levels[0].leaver_rate: 1.4 is outside 0..1",
    "levels[2].ready_rate: -0.1 is outside 0..1",
    "areas[0].staff: -5 is less than 0",
    'areas[0].leaders.chief: "chief" is not a level',
    "diversity_targets[0].target_year: 2040 is outside 2027..2031",
]


def bad_spec() -> dict[str, Any]:
    spec = copy.deepcopy(EXAMPLE)
    spec["levels"][0]["leaver_rate"] = 1.4
    spec["levels"][2]["ready_rate"] = -0.1
    spec["areas"][0]["staff"] = -5
    spec["areas"][0]["leaders"]["chief"] = 3
    spec["diversity_targets"][0]["target_year"] = 2040
    return spec


def invoke(*args: str, stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def example_file(tmp_path: Path) -> Path:
    path = tmp_path / "example.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    return path


def test_the_model_md_example_gives_the_documented_figures(example_file: Path) -> None:
    result = invoke("forecast", str(example_file))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    output = json.loads(result.stdout)
    assert output["years"] == [2027, 2028, 2029, 2030, 2031]
    first = next(r for r in output["rows"] if r["level"] == "frontline")
    assert list(first) == list(FRONTLINE_2027)
    for key, expected in FRONTLINE_2027.items():
        if isinstance(expected, float):
            assert first[key] == pytest.approx(expected, abs=1e-9), key
        else:
            assert first[key] == expected, key
    # The printed (rounded) figures of model.md, as a second check on the derivation above.
    printed = (first["demand"], first["leavers"], round(first["promoted_out"], 4), first["end"])
    assert printed == (191, 27.0, 6.0536, 191.0)
    [target] = output["diversity"]
    assert target["required_share_of_appointments"] == pytest.approx(0.5266, abs=1e-4)
    assert target["feasible"] is True
    assert "bands" not in output  # no uncertainty asked for
    # One row per area, level and year; totals per level and year.
    assert len(output["rows"]) == 1 * 4 * 5 and len(output["totals"]) == 4 * 5


def test_standard_input_gives_the_same_json_as_the_file(example_file: Path) -> None:
    from_file = invoke("forecast", str(example_file))
    from_stdin = invoke("forecast", "-", stdin=json.dumps(EXAMPLE))
    assert from_stdin.exit_code == 0, from_stdin.stderr
    assert from_stdin.stdout == from_file.stdout
    assert json.loads(from_stdin.stdout) == forecast(copy.deepcopy(EXAMPLE))


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_a_bad_spec_exits_2_listing_every_problem(tmp_path: Path, source: str) -> None:
    text = json.dumps(bad_spec())
    if source == "file":
        path = tmp_path / "bad.json"
        path.write_text(text, encoding="utf-8")
        result, named = invoke("forecast", str(path)), str(path)
    else:
        result, named = invoke("forecast", "-", stdin=text), "standard input"
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert named in lines[0] and "5 problems" in lines[0]
    assert len(lines) == 1 + len(BAD_PROBLEMS)
    for line, expected in zip(lines[1:], BAD_PROBLEMS, strict=True):
        assert line.strip().startswith(expected), (line, expected)


def test_a_version_3_spec_forecasts_with_yearly_rates_and_establishment(tmp_path: Path) -> None:
    spec = copy.deepcopy(EXAMPLE)
    spec["levels"][1]["leaver_rate"] = [0.09, 0.2, 0.05, 0.05, 0.05]
    spec["areas"][0]["establishment"] = {"middle": [64, 66, 66, 70, 70]}
    path = tmp_path / "v3.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    result = invoke("forecast", str(path))
    assert result.exit_code == 0, result.stderr
    rows = {(r["level"], r["year"]): r for r in json.loads(result.stdout)["rows"]}
    assert [rows[("middle", year)]["demand"] for year in range(2027, 2032)] == [64, 66, 66, 70, 70]
    assert rows[("senior", 2028)]["leavers"] == pytest.approx(0.2 * 12)
    # A year that leaves no room for the ready rate, and a fraction of a post, are named.
    spec["levels"][1]["leaver_rate"][3] = 0.97
    spec["areas"][0]["establishment"]["senior"] = 12.5
    result = invoke("forecast", "-", stdin=json.dumps(spec))
    assert result.exit_code == 2 and result.stdout == ""
    assert [line.strip() for line in result.stderr.splitlines()[1:]] == [
        "levels[1].leaver_rate[3]: in year 4 (2030), leaver_rate 0.97 plus ready_rate 0.04 is 1.01, more than 1",
        "areas[0].establishment.senior: 12.5 is not a whole number of posts "
        "(count posts, not whole-time equivalents)",
    ]


def _write(tmp_path: Path, name: str, content: bytes | None) -> str:
    path = tmp_path / name
    if content is None:
        return str(path)  # never created
    if content == b"<dir>":
        path.mkdir()
    else:
        path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("truncated.json", b'{"start_year": 2026, "levels": [', "is not valid JSON"),
    ("trailing-comma.json", b'{"start_year": 2026,}', "is not valid JSON"),
    ("empty.json", b"", "is not valid JSON"),
    ("latin1.json", '{"name": "Sant\u00e9"}'.encode("latin-1"), "is not UTF-8 text"),
    ("missing.json", None, "cannot read"),
    ("a-folder", b"<dir>", "cannot read"),
])
def test_unreadable_input_exits_2_naming_the_file(tmp_path: Path, name: str, content: bytes | None,
                                                  message: str) -> None:
    path = _write(tmp_path, name, content)
    result = invoke("forecast", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert path in result.stderr and message in result.stderr
    assert "Traceback" not in result.output


def test_malformed_json_on_standard_input_is_named_as_such() -> None:
    result = invoke("forecast", "-", stdin="{not json")
    assert result.exit_code == 2
    assert "standard input is not valid JSON" in result.stderr and "line 1" in result.stderr


def test_a_too_deeply_nested_document_is_refused_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = invoke("forecast", str(path))
    assert result.exit_code == 2
    assert str(path) in result.stderr and result.stdout == ""


def test_reading_a_spec_file_closes_it(example_file: Path) -> None:
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("forecast", str(example_file))
        gc.collect()
    assert result.exit_code == 0
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert [m for m in unclosed if "unclosed file" in m] == []


@pytest.mark.parametrize(("args", "message"), [
    ([], "give the spec file to forecast"),
    (["--scenario", "Baseline"], "give either SPEC.json, or --strategy ID with --scenario NAME"),
    (["--strategy", "1"], "give either SPEC.json, or --strategy ID with --scenario NAME"),
    (["spec.json", "--strategy", "1", "--scenario", "Baseline"], "give either SPEC.json"),
])
def test_missing_or_conflicting_arguments_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = invoke("forecast", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("case", ["good", "bad"])
def test_the_installed_command_keeps_the_exit_code_and_stdout_contract(tmp_path: Path, case: str) -> None:
    spec = EXAMPLE if case == "good" else bad_spec()
    path = tmp_path / f"{case}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    script = Path(sys.executable).parent / "planner"
    done = subprocess.run([str(script), "forecast", str(path)], capture_output=True, text=True, timeout=120)
    if case == "good":
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        assert json.loads(done.stdout) == forecast(copy.deepcopy(EXAMPLE))
    else:
        assert done.returncode == 2
        assert done.stdout == ""  # nothing a pipeline could mistake for results
        for expected in BAD_PROBLEMS:
            assert expected in done.stderr


# --- a stored strategy and scenario ----------------------------------------------------------


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new SQLite database with the demo loaded through the command line, as a newcomer would."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", FAST_HASH)
    assert invoke("init-db").exit_code == 0
    loaded = invoke("demo")
    assert loaded.exit_code == 0, loaded.output
    return url


def _demo_strategy_and_specs(url: str) -> tuple[int, dict[str, dict[str, Any]]]:
    with Session(engine_for(url)) as session:
        strategy = demo_strategy(session)
        return strategy.id, {s.name: spec_for(session, strategy, s) for s in scenarios_of(session, strategy)}  # type: ignore[return-value]


def test_a_stored_scenario_prints_exactly_what_its_spec_file_prints(demo_db: str, tmp_path: Path) -> None:
    strategy_id, specs = _demo_strategy_and_specs(demo_db)
    assert list(specs) == ["Baseline", "Growth", "Constrained"]
    outputs = {}
    for name, spec in specs.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        from_file = invoke("forecast", str(path))
        stored = invoke("forecast", "--strategy", str(strategy_id), "--scenario", name)
        assert stored.exit_code == 0, stored.stderr
        assert stored.stdout == from_file.stdout, name
        outputs[name] = json.loads(stored.stdout)
    # The three scenarios differ, so the name really chose the scenario.
    external = {name: sum(t["external_appointments"] for t in out["totals"]) for name, out in outputs.items()}
    assert len(set(external.values())) == 3


def test_the_scenario_name_is_matched_ignoring_case(demo_db: str) -> None:
    strategy_id, _specs = _demo_strategy_and_specs(demo_db)
    exact = invoke("forecast", "--strategy", str(strategy_id), "--scenario", "Growth")
    other_case = invoke("forecast", "--strategy", str(strategy_id), "--scenario", "  gROWTH ")
    assert other_case.exit_code == 0 and other_case.stdout == exact.stdout


@pytest.mark.parametrize(("strategy", "scenario", "messages"), [
    ("own", "Optimistic", ["no scenario called 'Optimistic'", "Baseline, Growth, Constrained"]),
    ("999", "Baseline", ["there is no strategy with id 999"]),
])
def test_an_unknown_scenario_or_strategy_exits_2_saying_what_there_is(
    demo_db: str, strategy: str, scenario: str, messages: list[str],
) -> None:
    strategy_id, _specs = _demo_strategy_and_specs(demo_db)
    result = invoke("forecast", "--strategy", str(strategy_id) if strategy == "own" else strategy,
                    "--scenario", scenario)
    assert result.exit_code == 2
    assert result.stdout == ""
    for message in messages:
        assert message in result.stderr


def test_a_stored_scenario_needs_an_initialised_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = invoke("forecast", "--strategy", "1", "--scenario", "Baseline")
    assert result.exit_code != 0
    assert "planner init-db" in result.stderr
