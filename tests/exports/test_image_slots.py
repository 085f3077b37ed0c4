"""Chart images are drawn in a bounded pool of turns shared by every worker on a server: never more
at once than the pool's size, a request that gets no turn in time is refused (ImagesBusy) rather than
queueing, and a turn held by a worker that dies is given back. The drawing is a fake that blocks until
the test lets it finish, so nothing here depends on how long anything takes."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from planner.exports import chart_files, warm_browser
from planner.exports.image_slots import ImagesBusy, ImageSlots, default_directory


class SlowDrawing:
    """Stands in for Chromium: each drawing counts itself in, waits for `release`, and counts itself out."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.active = 0
        self.most = 0
        self.release = threading.Event()

    def draw(self, jobs: Any, _browser: str, _prepare: Any) -> list[bytes]:
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
            self.lock.notify_all()
        try:
            assert self.release.wait(60), "the test never let the drawing finish"
            return [b'<svg xmlns="http://www.w3.org/2000/svg"/>' for _job in jobs]
        finally:
            with self.lock:
                self.active -= 1

    def wait_for(self, active: int) -> None:
        with self.lock:
            assert self.lock.wait_for(lambda: self.active == active, timeout=20)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowDrawing]:
    drawing = SlowDrawing()
    monkeypatch.setattr(warm_browser.WarmBrowser, "draw", drawing.draw)
    monkeypatch.setattr(warm_browser.WarmBrowser, "close", lambda _self: None)
    monkeypatch.setattr(chart_files, "require_browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(chart_files, "_KEEP_WARM", False)
    monkeypatch.setattr(chart_files, "_TURNS", None)
    yield drawing
    drawing.release.set()


def another_worker(directory: Path) -> ImageSlots:
    """The pool as another worker process sees it (a thread holding a turn may draw on in it)."""
    return ImageSlots(1, wait_seconds=0, directory=directory, waiting=0)


def figure() -> go.Figure:
    return go.Figure(go.Bar(x=["Board"], y=[1]))


def test_never_more_images_at_once_than_the_pool_and_the_rest_are_refused(slow: SlowDrawing, tmp_path: Path) -> None:
    chart_files.bound_image_drawing(ImageSlots(2, wait_seconds=0.2, directory=tmp_path / "turns"))
    outcomes: list[str] = []

    def download() -> None:
        try:
            chart_files.figure_bytes(figure(), "svg", "Chart")
            outcomes.append("drawn")
        except ImagesBusy:
            outcomes.append("busy")

    drawing = [threading.Thread(target=download) for _ in range(2)]
    for thread in drawing:
        thread.start()
    slow.wait_for(2)  # both turns are taken and held
    refused = [threading.Thread(target=download) for _ in range(6)]
    for thread in refused:
        thread.start()
    for thread in refused:
        thread.join()
    assert outcomes == ["busy"] * 6 and slow.most == 2
    slow.release.set()
    for thread in drawing:
        thread.join()
    assert sorted(outcomes) == ["busy"] * 6 + ["drawn"] * 2
    # The turns were given back: the next request draws.
    assert chart_files.figure_bytes(figure(), "svg", "Chart").startswith(b"<svg")


def held(path: Path) -> bool:
    """Whether some process or thread holds the lock file (tried without waiting)."""
    import fcntl

    if not path.exists():
        return False
    with path.open("r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_only_a_few_requests_wait_for_a_turn_and_the_rest_are_refused_at_once(tmp_path: Path) -> None:
    directory = tmp_path / "turns"
    # Waits long enough that a request queueing wrongly would still be waiting when the test looks.
    turns = ImageSlots(1, wait_seconds=600, directory=directory, waiting=1)
    outcomes: dict[str, str] = {}
    let_go = threading.Event()

    def request(name: str) -> None:
        try:
            with turns.turn():
                outcomes[name] = "drawn"
        except ImagesBusy:
            outcomes[name] = "busy"

    with turns.turn():  # another worker is drawing
        waiter = threading.Thread(target=request, args=("waiter",))
        waiter.start()
        for _ in range(2000):  # until the waiter holds the one place to wait
            if held(directory / "waiting-0.lock"):
                break
            let_go.wait(0.01)
        assert held(directory / "waiting-0.lock")
        late = threading.Thread(target=request, args=("late",))
        late.start()
        late.join(60)
        assert not late.is_alive() and outcomes == {"late": "busy"}  # refused at once, not queued
    waiter.join(60)
    assert outcomes == {"late": "busy", "waiter": "drawn"}  # the waiter got the turn once it was free
    # With no places to wait, a request is refused as soon as every turn is taken.
    eager = ImageSlots(1, wait_seconds=600, directory=directory, waiting=0)
    with another_worker(directory).turn(), pytest.raises(ImagesBusy), eager.turn():
        pass


def test_work_that_took_its_turn_first_draws_in_it_and_others_still_wait(slow: SlowDrawing, tmp_path: Path) -> None:
    turns = ImageSlots(1, wait_seconds=600, directory=tmp_path / "turns", waiting=0)
    chart_files.bound_image_drawing(turns)
    slow.release.set()
    refused: list[bool] = []

    def another_worker() -> None:
        try:
            with turns.turn():
                refused.append(False)
        except ImagesBusy:
            refused.append(True)

    with chart_files.image_turn():  # as the download page does before it builds the figure
        assert chart_files.figure_bytes(figure(), "svg", "Chart").startswith(b"<svg")  # no second turn
        other = threading.Thread(target=another_worker)
        other.start()
        other.join(60)
    assert refused == [True]


def test_the_refusal_says_what_to_do_and_when(slow: SlowDrawing, tmp_path: Path) -> None:
    turns = ImageSlots(1, wait_seconds=0.1, directory=tmp_path / "turns")
    with another_worker(tmp_path / "turns").turn(), pytest.raises(ImagesBusy) as refused, turns.turn():
        pass
    assert refused.value.retry_after >= 1
    assert "Try again in a few seconds" in str(refused.value) and "interactive HTML" in str(refused.value)


def test_html_and_the_command_line_never_wait_for_a_turn(slow: SlowDrawing, tmp_path: Path) -> None:
    turns = ImageSlots(1, wait_seconds=0.1, directory=tmp_path / "turns")
    chart_files.bound_image_drawing(turns)
    with another_worker(tmp_path / "turns").turn():  # every turn taken
        assert chart_files.figure_bytes(figure(), "html", "Chart").startswith(b"<!DOCTYPE html>")
        with pytest.raises(ImagesBusy):
            chart_files.figure_bytes(figure(), "svg", "Chart")
        chart_files.bound_image_drawing(None)  # as in `planner export-charts`: no pool
        slow.release.set()
        assert chart_files.figure_bytes(figure(), "svg", "Chart").startswith(b"<svg")


HOLD = """
import sys
from pathlib import Path
from planner.exports.image_slots import ImageSlots
with ImageSlots(1, 0, Path(sys.argv[1])).turn():
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_the_turns_are_shared_between_processes_and_freed_when_a_worker_dies(tmp_path: Path,
                                                                             repo_root: Path) -> None:
    directory = tmp_path / "turns"
    with subprocess.Popen([sys.executable, "-c", HOLD, str(directory)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True, cwd=repo_root) as worker:
        try:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "holding"
            turns = ImageSlots(1, wait_seconds=0.1, directory=directory)
            with pytest.raises(ImagesBusy), turns.turn():
                pass
            worker.kill()  # a worker killed mid-drawing (gunicorn's timeout) must not keep its turn
            worker.wait(30)
            with turns.turn():
                pass
        finally:
            if worker.poll() is None:
                worker.kill()


def test_a_pool_needs_one_turn_and_a_private_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        ImageSlots(0, 1, tmp_path / "turns")
    with pytest.raises(ValueError, match="cannot be negative"):
        ImageSlots(1, 1, tmp_path / "turns", waiting=-1)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    with pytest.raises(RuntimeError, match="others cannot write to"):
        ImageSlots(1, 1, shared)
    assert default_directory("sqlite:///a.db") != default_directory("sqlite:///b.db")
