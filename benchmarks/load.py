"""`python -m benchmarks.load [--quick] [--times N] [--clients 20] [--rounds R]`: pages under concurrent
signed-in clients on gunicorn, against a hello-world page; printed, never asserted.

Creates the demo (or an organisation at N times it, benchmarks/scale.py) in a temporary SQLite
database, starts gunicorn with 3 workers for the planner and, on the same settings, for a hello-world
Flask app rendering a small template (benchmarks/hello.py). 20 clients (threads of the standard
library's http.client, one kept-alive connection each) sign in through the login form, CSRF token and
all. Then for each page, all clients at once ask for it `rounds` times each, with the hello-world page
measured the same way just before it, so drift in the shared machine's speed touches both alike. Each
page's p50 and p95 are printed with the ratio of its p50 to the hello-world p50 measured beside it.

Pages: the strategy home, forecast, objectives, competency gaps, diversity and the API's baseline.
Sign-in throttling and the API's rate limit stay on as in production, the API's raised so 20 clients
signed in as one person are not refused."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.scale import Built, build_organisation, page_paths
from planner import db

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
CLIENTS = 20
ROUNDS = 5  # requests per client per page
QUICK_ROUNDS = 2
HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(app: str, env: dict[str, str]) -> Iterator[int]:
    """gunicorn serving `app` with WORKERS workers on a free port until the block ends; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"{HOST}:{port}",
         "--timeout", "300", "--log-level", "warning", app],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {app} stopped: {process.stderr.read() if process.stderr else ''}")
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not start in 60 s") from None
                time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Client:
    """One browser: a kept-alive connection and a cookie jar of one cookie per name."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=300)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str]:
        """(status, body as text) of one request, cookies kept; the connection is reopened if it closed."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=300)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def sign_in(self, email: str, password: str) -> None:
        """Through the login form, with its CSRF token."""
        status, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"the login page answered HTTP {status} without a CSRF token")
        status, _ = self.request("POST", "/login", {"csrf_token": token.group(1), "email": email,
                                                    "password": password})
        if status != 302:
            raise RuntimeError(f"signing in as {email} answered HTTP {status}")


def hammer(clients: list[Client], path: str, rounds: int) -> tuple[list[float], int]:
    """All clients at once, each asking for `path` `rounds` times in a row: (seconds of each answer, failures)."""
    times: list[float] = []
    failures = 0
    lock = threading.Lock()
    start = threading.Barrier(len(clients))

    def run(client: Client) -> None:
        nonlocal failures
        start.wait()
        for _ in range(rounds):
            began = time.perf_counter()
            status, _ = client.request("GET", path)
            took = time.perf_counter() - began
            with lock:
                times.append(took)
                failures += status != 200
    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, failures


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of them fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(built: Built, url: str, *, clients: int, rounds: int) -> list[tuple[str, float, float, float, int]]:
    """(page, p50, p95, hello-world p50 beside it, failures) for each page."""
    env = {"DATABASE_URL": url, "SECRET_KEY": "benchmark-secret-key-" + "x" * 40, "PLANNER_ENV": "development",
           "PLANNER_RATELIMIT_API": "100000 per minute"}
    results = []
    with ExitStack() as stack:
        planner_port = stack.enter_context(gunicorn("wsgi:app", env))
        hello_port = stack.enter_context(gunicorn("benchmarks.hello:app", {}))
        browsers = [Client(planner_port) for _ in range(clients)]
        for browser in browsers:
            browser.sign_in(built.email, built.password)
        hellos = [Client(hello_port) for _ in range(clients)]
        hammer(hellos, "/", 1)  # warm both: workers import lazily
        for name, path in page_paths(built.strategy_id).items():
            hammer(browsers[:WORKERS], path, 1)
            hello, _ = hammer(hellos, "/", rounds)
            times, failures = hammer(browsers, path, rounds)
            results.append((name, percentile(times, 0.5), percentile(times, 0.95), statistics.median(hello),
                            failures))
    return results


def main(quick: bool = False, times: int = 1, clients: int = CLIENTS,
         rounds: int | None = None) -> dict[str, float]:
    """Set up, measure and print; returns each page's ratio of p50s."""
    rounds = rounds or (QUICK_ROUNDS if quick else ROUNDS)
    print(f"pages under {clients} concurrent signed-in clients, gunicorn with {WORKERS} workers, {rounds} requests "
          f"per client per page; ratio = the page's p50 / a hello-world page's p50 measured just before it")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'planner.db'}"
        db.upgrade(url)
        built = build_organisation(url, times)
        db.engine_for(url).dispose()
        results = measure(built, url, clients=clients, rounds=rounds)
    print(f"{'page (' + (f'{times}x the demo' if times > 1 else 'the demo') + ')':<24} {'p50':>9} {'p95':>9} "
          f"{'hello p50':>10} {'ratio':>7}")
    for name, p50, p95, hello, failures in results:
        failed = f"  ({failures} not 200)" if failures else ""
        print(f"{name:<24} {p50 * 1000:>7.0f}ms {p95 * 1000:>7.0f}ms {hello * 1000:>8.1f}ms {p50 / hello:>7.0f}"
              f"{failed}")
    return {name: p50 / hello for name, p50, _, hello, _ in results}


if __name__ == "__main__":
    args = sys.argv[1:]

    def option(name: str, default: int | None) -> int | None:
        return int(args[args.index(name) + 1]) if name in args else default

    main(quick="--quick" in args, times=option("--times", 1) or 1, clients=option("--clients", CLIENTS) or CLIENTS,
         rounds=option("--rounds", None))
