"""A bounded pool of turns for drawing chart images (PNG, SVG) in Chromium, shared by every web worker
on a server, so a burst of image downloads can never tie up all the workers.

Drawing takes a CPU and a worker for between a fraction of a second and several seconds. gunicorn's
sync workers each serve one request at a time, so a limit inside one process would bound nothing:
the turns are lock files instead (`fcntl.flock`), which every process and thread on the machine
contends for, and which the kernel releases if a worker dies while holding one. Waiting for a turn
ties up a worker too, so only a few requests may wait (places to wait are lock files as well), each
for at most `wait_seconds`; any other is refused at once (ImagesBusy: the page answers 503 with
Retry-After) rather than queueing behind the others. Where `fcntl` is missing (Windows, development only) the turns are
counted within the process."""

from __future__ import annotations

import hashlib
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

if sys.platform == "win32":  # pragma: no cover - no fcntl on Windows (development only)
    fcntl = None
else:
    import fcntl

POLL_SECONDS = 0.05  # how often a waiting request tries for a turn again


class ImagesBusy(RuntimeError):
    """Every turn to draw chart images stayed taken for as long as a request may wait."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            "Other chart images are being drawn on the server just now. Try again in a few seconds; the "
            "interactive HTML download needs no drawing and works now."
        )


def default_directory(key: str) -> Path:
    """A folder for the lock files of one deployment (all workers on one database share its turns)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"planner-chart-images-{uid}-{digest}"


def _private_directory(directory: Path) -> Path:
    # Another account must not be able to hold our turns: the folder must be ours and closed to others.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = directory.lstat()
    if not directory.is_dir() or directory.is_symlink() or (
            hasattr(os, "getuid") and status.st_uid != os.getuid()) or status.st_mode & 0o022:
        raise RuntimeError(f"{directory} must be a folder of this account that others cannot write to")
    return directory


class ImageSlots:
    """At most `size` chart image drawings at once on this machine, and at most `waiting` requests
    waiting (each up to `wait_seconds`) for a turn; any other request is refused at once. So at most
    size + waiting workers are ever busy with images, whatever the burst."""

    def __init__(self, size: int, wait_seconds: float, directory: Path, waiting: int = 1) -> None:
        if size < 1:
            raise ValueError("at least one chart image must be allowed at a time")
        if waiting < 0:
            raise ValueError("the number of requests waiting for a turn cannot be negative")
        self.size = size
        self.waiting = waiting
        self.wait_seconds = max(0.0, wait_seconds)
        self.directory = _private_directory(directory) if fcntl is not None else directory
        # Without fcntl: counted within the process only.
        self._turns = threading.BoundedSemaphore(size) if fcntl is None else None
        self._places = threading.BoundedSemaphore(waiting) if fcntl is None and waiting else None
        self._holding = threading.local()  # a thread holding a turn draws on in it, without a second

    @property
    def retry_after(self) -> int:
        """Seconds a refused request is told to wait before trying again."""
        return max(5, math.ceil(self.wait_seconds))

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold one of the turns while the block runs (a thread already holding one just carries on);
        ImagesBusy if none is free and no place to wait is free either, or if none comes free in time."""
        if getattr(self._holding, "turn", False):
            yield
            return
        release = self._acquire_local() if fcntl is None else self._acquire()
        self._holding.turn = True
        try:
            yield
        finally:
            self._holding.turn = False
            release()

    def _acquire(self) -> Callable[[], None]:
        held = self._grab("turn", self.size) or self._wait_for_turn()
        return lambda: _release(held)

    def _wait_for_turn(self) -> IO[bytes]:
        place = self._grab("waiting", self.waiting)
        if place is None:
            raise ImagesBusy(self.retry_after)
        try:
            deadline = time.monotonic() + self.wait_seconds
            while time.monotonic() < deadline:
                time.sleep(POLL_SECONDS)
                held = self._grab("turn", self.size)
                if held is not None:
                    return held
            raise ImagesBusy(self.retry_after)
        finally:
            _release(place)

    def _acquire_local(self) -> Callable[[], None]:  # pragma: no cover - Windows
        assert self._turns is not None
        if not self._turns.acquire(blocking=False):
            if self._places is None or not self._places.acquire(blocking=False):
                raise ImagesBusy(self.retry_after)
            try:
                if not self._turns.acquire(timeout=self.wait_seconds):
                    raise ImagesBusy(self.retry_after)
            finally:
                self._places.release()
        return self._turns.release

    def _grab(self, kind: str, count: int) -> IO[bytes] | None:
        """One of `count` lock files of this kind, if one is free now; None if all are held."""
        for number in range(count):
            path = self.directory / f"{kind}-{number}.lock"
            # Its own open file for each try, so two threads of one process contend as two processes do.
            handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600), "r+b")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            except BaseException:
                handle.close()
                raise
            return handle
        return None


def _release(handle: IO[bytes]) -> None:
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()
