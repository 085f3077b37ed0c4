"""One definition of each step (planner.steps): the task list's names are its pages' headings, and no step
reads Completed while the strategy's completeness check finds it lacking something, and every started step
that lacks nothing does."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from planner import steps
from planner.models import DiversityCount, DiversityTarget, Organisation, Strategy
from planner.services.completeness import completeness
from planner.services.progress import task_list
from tests import factories


def test_a_step_is_done_when_it_has_started_and_lacks_nothing_and_says_what_it_lacks() -> None:
    assert steps.status(True, []) == steps.COMPLETED
    assert steps.status(True, ["Levels without a diversity target: Board"]) == steps.IN_PROGRESS
    assert steps.status(False, ["There are no areas yet"]) == steps.NOT_STARTED
    assert steps.status(False, []) == steps.NOT_STARTED
    assert steps.hint(True, "1 target set", ["A", "B", "C"]) == "A (and 2 more things to do)"
    assert steps.hint(True, "1 target set", ["A"]) == "A"
    assert steps.hint(True, "1 target set", []) == "1 target set"
    assert steps.hint(False, "Add the areas", ["There are no areas yet"]) == "Add the areas"


def heading(page: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert found, "the page has no heading"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_each_steps_name_on_the_task_list_is_how_its_page_begins(app: Flask, client: FlaskClient, db: Session,
                                                                 strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    area = factories.make_area(db, strategy, "MED", "Medicine")
    factories.set_baseline(db, strategy, area, 400, 380.0, board=10, senior=20, middle=40, frontline=80)
    home = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    for step in steps.STEPS:
        with app.test_request_context():
            from flask import url_for

            address = url_for(step.endpoint, strategy_id=strategy.id)
        assert f'href="{address}"' in home, step.key
        link = re.search(rf'<a [^>]*href="{re.escape(address)}"[^>]*>(.*?)</a>', home, re.S)
        assert link and html.unescape(link.group(1)).strip() == step.name, step.key
        response = client.get(address)
        assert response.status_code == 200, step.key
        assert heading(response.get_data(as_text=True)).startswith(step.name), step.key


def task_of(page: str, key: str) -> tuple[str, str]:
    status = re.search(rf'id="task-{key}-status">(.*?)</div>', page, re.S)
    hint = re.search(rf'id="task-{key}-hint">(.*?)</div>', page, re.S)
    assert status and hint
    return " ".join(re.sub(r"<[^>]+>", " ", status.group(1)).split()), html.unescape(hint.group(1).strip())


def test_diversity_with_one_target_is_in_progress_while_levels_have_none(
        client: FlaskClient, db: Session, org: Organisation, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    area = factories.make_area(db, strategy, "MED", "Medicine")
    factories.set_baseline(db, strategy, area, 400, 380.0, board=10, senior=20, middle=40, frontline=80)
    senior = factories.level(db, strategy, "senior")
    db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id, level_id=senior.id,  # type: ignore[arg-type]
                          characteristic="ethnicity", group_key="bme", count=4))
    db.add(DiversityTarget(organisation_id=org.id, strategy_id=strategy.id, level_id=senior.id,  # type: ignore[arg-type]
                           characteristic="ethnicity", group_key="bme", target_share=0.25, target_year=2030))
    db.commit()
    page = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    status, hint = task_of(page, "diversity")
    assert status == "In progress"
    assert hint.startswith("Levels without a diversity target: Board, Middle leaders, Frontline leaders")
    # With a target across all leaders, every level is covered and the step is complete.
    db.add(DiversityTarget(organisation_id=org.id, strategy_id=strategy.id, level_id=None,  # type: ignore[arg-type]
                           characteristic="ethnicity", group_key="bme", target_share=0.25, target_year=2030))
    db.commit()
    assert task_of(client.get(f"/strategies/{strategy.id}").get_data(as_text=True), "diversity") == (
        "Completed", "2 targets set")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Strategy, Organisation]]:
    with factories.demo_database(tmp_path_factory.mktemp("steps")) as found:
        yield found


def test_on_the_demo_no_step_is_completed_beside_lacking_items_and_each_item_is_short(
        demo: tuple[Session, Strategy, Organisation]) -> None:
    session, strategy, organisation = demo
    lacking = completeness(session, strategy, organisation, date.today())
    assert lacking, "the demo is a draft with things still to do"
    tasks = {t.key: t for t in task_list(session, strategy, lacking)}
    for item in lacking:
        assert tasks[item.step].status != steps.COMPLETED, item
        assert len(item.message.split()) <= 30, item.message  # one short sentence each
    assert tasks["approve"].status != steps.COMPLETED
    for task in tasks.values():  # and the other way round: a started step lacking nothing is done
        if task.key != "approve" and task.status != steps.NOT_STARTED:
            assert (task.status == steps.COMPLETED) is not any(item.step == task.key for item in lacking), task.key
    assert f"{len(lacking)} thing" in tasks["approve"].hint
    # Gaps without an objective are grouped by kind, one sentence each, never run together.
    gaps = [item.message for item in lacking if "with no objective" in item.message]
    assert len({message.split(" with no objective")[0].split(" ", 1)[1] for message in gaps}) == len(gaps)


def test_the_pack_and_the_paper_say_what_is_lacking_in_the_task_lists_words(
        demo: tuple[Session, Strategy, Organisation]) -> None:
    import io

    from openpyxl import load_workbook

    from planner.exports.paper_text import sections
    from planner.exports.workbook import pack_bytes
    from planner.services.board_pack import pack_content

    session, strategy, organisation = demo
    today = date.today()
    said = [f"{item.step_name}: {item.message}." for item in completeness(session, strategy, organisation, today)]
    content = pack_content(session, strategy, organisation, prepared_by="Board Secretary", today=today)
    summary = load_workbook(io.BytesIO(pack_bytes(content)))["Summary"]
    cells = [c for row in summary.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    start = cells.index("What the strategy still lacks")
    assert cells[start + 1:start + 1 + len(said)] == said
    section = next(s for s in sections(content) if s.title == "What the strategy still lacks")
    assert [block.text for block in section.blocks[1:]] == said
