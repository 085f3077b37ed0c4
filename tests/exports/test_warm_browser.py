"""The warm chart browser: one Chromium serves every image request until it has been idle a while, a
failure or a closed browser gives way to a fresh one, and closing it leaves no thread (nor Chromium)
behind. Without Chromium these are skipped locally and fail under CI=true, like the browser tests.
(How much faster a warm download is lives in the benchmarks, not here.)"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest

from planner.exports import chart_files
from planner.exports.warm_browser import WarmBrowser

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def browser() -> str:
    found = chart_files.find_browser()
    if found is None:
        message = "Chromium not found: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def warm() -> Iterator[WarmBrowser]:
    drawer = WarmBrowser(idle_seconds=1.0)
    yield drawer
    drawer.close()


def figure(n: int) -> go.Figure:
    return go.Figure(go.Bar(x=["Board", "Senior leaders"], y=[n, n + 1]), layout={"title": {"text": f"Chart {n}"}})


def opts(fmt: str) -> dict[str, object]:
    return {"format": fmt, "width": 400, "height": 300, "scale": 1}


def test_one_browser_draws_every_request_in_turn(warm: WarmBrowser, browser: str) -> None:
    first = warm.draw([(figure(1), opts("png")), (figure(2), opts("svg"))], browser, lambda f: f)
    again = warm.draw([(figure(3), opts("png"))], browser, lambda f: f)
    assert first[0].startswith(PNG) and b"<svg" in first[1][:200] and again[0].startswith(PNG)
    assert first[0] != again[0]  # each figure its own image
    assert warm.starts == 1


def test_an_idle_browser_closes_and_the_next_request_starts_another(warm: WarmBrowser, browser: str) -> None:
    warm.draw([(figure(1), opts("png"))], browser, lambda f: f)
    deadline = time.monotonic() + 20
    while warm._thread is not None and warm._thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert warm._thread is not None and not warm._thread.is_alive(), "the idle browser is still open"
    assert warm.draw([(figure(2), opts("png"))], browser, lambda f: f)[0].startswith(PNG)
    assert warm.starts == 2


def test_a_failed_drawing_is_reported_and_the_next_request_gets_a_fresh_browser(warm: WarmBrowser,
                                                                               browser: str) -> None:
    def broken(_figure: go.Figure) -> go.Figure:
        raise ValueError("this figure cannot be drawn")

    with pytest.raises(ValueError, match="cannot be drawn"):
        warm.draw([(figure(1), opts("png"))], browser, broken)
    assert warm.draw([(figure(2), opts("png"))], browser, lambda f: f)[0].startswith(PNG)
    assert warm.starts == 2


def test_closing_leaves_no_browser_thread(browser: str) -> None:
    drawer = WarmBrowser()
    drawer.draw([(figure(1), opts("png"))], browser, lambda f: f)
    drawer.close()
    assert drawer._thread is not None and not drawer._thread.is_alive()


class JavascriptError(Exception):
    """As kaleido names the error a page's script raises."""


def test_a_tab_whose_page_had_not_loaded_is_tried_again_in_a_fresh_browser(warm: WarmBrowser, browser: str) -> None:
    calls: list[int] = []

    def not_loaded_the_first_time(fig: go.Figure) -> go.Figure:
        calls.append(1)
        if len(calls) == 1:
            raise JavascriptError("ReferenceError: kaleido_scopes is not defined")
        return fig

    assert warm.draw([(figure(1), opts("png"))], browser, not_loaded_the_first_time)[0].startswith(PNG)
    # At least one fresh browser after the tab that had not loaded (a machine under heavy load can need
    # another, when the fresh tab is slow to load too).
    assert warm.starts >= 2 and len(calls) >= 2
