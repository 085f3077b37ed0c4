"""A bounded pool of turns for drawing chart images (PNG, SVG) in Chromium, shared by every web worker
on a server, so a burst of image downloads can never tie up all the workers.

Drawing takes a CPU and a worker for between a fraction of a second and several seconds. gunicorn's
sync workers each serve one request at a time, so a limit inside one process would bound nothing:
the turns are lock files instead (`fcntl.flock`), which every process and thread on the machine
contends for, and which the kernel releases if a worker dies while holding one. A request that gets
no turn within `wait_seconds` is refused (ImagesBusy: the page answers 503 with Retry-After) rather
than queueing behind the others. Where `fcntl` is missing (Windows, development only) the turns are
counted within the process."""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

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
    """At most `size` chart image drawings at once on this machine; `turn()` waits up to `wait_seconds`."""

    def __init__(self, size: int, wait_seconds: float, directory: Path) -> None:
        if size < 1:
            raise ValueError("at least one chart image must be allowed at a time")
        self.size = size
        self.wait_seconds = max(0.0, wait_seconds)
        self.directory = _private_directory(directory) if fcntl is not None else directory
        self._local = threading.BoundedSemaphore(size) if fcntl is None else None

    @property
    def retry_after(self) -> int:
        """Seconds a refused request is told to wait before trying again."""
        return max(5, math.ceil(self.wait_seconds))

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold one of the turns while the block runs; ImagesBusy if none comes free in time."""
        if self._local is not None:
            if not self._local.acquire(timeout=self.wait_seconds):
                raise ImagesBusy(self.retry_after)
            try:
                yield
            finally:
                self._local.release()
            return
        held = self._take()
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
            held.close()

    def _take(self) -> IO[bytes]:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            for number in range(self.size):
                handle = self._try(number)
                if handle is not None:
                    return handle
            if time.monotonic() >= deadline:
                raise ImagesBusy(self.retry_after)
            time.sleep(POLL_SECONDS)

    def _try(self, number: int) -> IO[bytes] | None:
        path = self.directory / f"turn-{number}.lock"
        # Its own open file for each try, so two threads of one process contend as two processes do.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        handle = os.fdopen(descriptor, "r+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        except BaseException:
            handle.close()
            raise
        return handle
