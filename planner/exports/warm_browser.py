"""One headless Chromium kept open between chart image requests, so a PNG or SVG download after the
first answers in a fraction of a second instead of the seconds a browser takes to start.

The browser runs under kaleido in a thread of its own with its own event loop; requests wait their
turn in a queue (one tab draws one figure at a time). It closes itself after IDLE_SECONDS without a
request, after any failure (the next request starts a fresh one) and when the process exits, so no
Chromium is left behind. A web process turns it on (planner.exports.chart_files.keep_browser_warm);
the command line draws with a browser of its own and closes it."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import threading
from collections.abc import Callable, Sequence
from typing import Any

IDLE_SECONDS = 600.0  # a browser nobody has used for ten minutes is closed
DRAW_TIMEOUT = 120.0  # seconds a request waits for its images before giving up
ATTEMPTS = 3  # browsers a request is tried in before its failure is shown

Job = tuple[Any, dict[str, Any]]  # (figure, kaleido options)
_STOP = object()


class BrowserClosed(RuntimeError):
    """The warm browser closed before it drew a request (idle, failed or stopped)."""


class WarmBrowser:
    """A kaleido browser kept open in a background thread; `draw` is safe to call from any thread."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Any] | None = None
        self._thread: threading.Thread | None = None
        self._browser: str | None = None
        self._closing = False
        self.starts = 0  # how many browsers it has started (for tests and benchmarks)

    def draw(self, jobs: Sequence[Job], browser: str, prepare: Callable[[Any], Any]) -> list[bytes]:
        """Each figure drawn with its options in the warm browser (started first if need be). A request
        caught in a browser that was closing, or whose tab had not loaded, is sent again to a fresh one, up
        to ATTEMPTS times in all (on a machine under heavy load a fresh tab can be slow to load too)."""
        for attempt in range(1, ATTEMPTS + 1):
            result: concurrent.futures.Future[list[bytes]] = concurrent.futures.Future()
            with self._lock:
                if not self._running(browser):
                    self._start(browser)
                assert self._loop is not None and self._queue is not None
                self._loop.call_soon_threadsafe(self._queue.put_nowait, (list(jobs), prepare, result))
            try:
                return result.result(timeout=DRAW_TIMEOUT)
            except BrowserClosed:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the browser, if one is open, and wait for its thread."""
        with self._lock:
            thread, loop, queue = self._thread, self._loop, self._queue
            self._closing = True
            if thread is None or loop is None or queue is None or not thread.is_alive():
                return
            loop.call_soon_threadsafe(queue.put_nowait, _STOP)
        thread.join(timeout=30)

    def _running(self, browser: str) -> bool:
        alive = self._thread is not None and self._thread.is_alive() and not self._closing
        if alive and self._browser != browser:  # BROWSER_PATH changed: start the one now asked for
            assert self._loop is not None and self._queue is not None
            self._loop.call_soon_threadsafe(self._queue.put_nowait, _STOP)
            alive = False
        return alive

    def _start(self, browser: str) -> None:
        loop = asyncio.new_event_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        self._loop, self._queue, self._browser, self._closing = loop, queue, browser, False
        self.starts += 1

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve(browser, queue))
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="chart-images-browser", daemon=True)
        self._thread.start()

    async def _serve(self, browser: str, queue: asyncio.Queue[Any]) -> None:
        import kaleido

        failure: BaseException | None = None
        try:
            # MathJax is off: kaleido would load it from the internet.
            async with kaleido.Kaleido(path=browser, mathjax=False) as drawer:
                while True:
                    try:
                        item = await asyncio.wait_for(queue.get(), self.idle_seconds)
                    except TimeoutError:
                        with self._lock:  # nothing can be queued while it decides to close
                            if queue.empty():
                                self._closing = True
                                return
                        continue
                    if item is _STOP:
                        return
                    jobs, prepare, result = item
                    try:
                        images = [await drawer.calc_fig(prepare(fig), opts=opts) for fig, opts in jobs]
                    except BaseException as exc:
                        with self._lock:  # a browser that failed once is not trusted again
                            self._closing = True
                        # A tab whose page had not loaded (`draw` sends the request once more, to a fresh
                        # browser), or the failure itself.
                        result.set_exception(BrowserClosed("The chart browser was not ready; try again.")
                                             if not_ready(exc) else exc)
                        return
                    result.set_result(images)
        except BaseException as exc:  # noqa: BLE001 - handed to the requests still waiting
            failure = exc
        finally:
            with self._lock:
                self._closing = True
            while not queue.empty():  # requests that arrived as it closed: sent again by `draw`, or told why
                item = queue.get_nowait()
                if item is not _STOP and not item[2].done():
                    item[2].set_exception(failure or BrowserClosed("The chart browser closed; try again."))


def not_ready(exc: BaseException) -> bool:
    """Whether kaleido failed because its page had not loaded in the browser's tab ("kaleido_scopes is not
    defined"), as happens now and then on a machine under heavy load: nothing wrong with the figure."""
    return type(exc).__name__ == "JavascriptError" and "is not defined" in str(exc)


_WARM: WarmBrowser | None = None
_WARM_LOCK = threading.Lock()


def shared() -> WarmBrowser:
    """The process's one warm browser, closed when the process exits."""
    global _WARM
    with _WARM_LOCK:
        if _WARM is None:
            _WARM = WarmBrowser()
            atexit.register(_WARM.close)
        return _WARM
