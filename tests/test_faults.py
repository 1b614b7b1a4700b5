"""Faults, with real processes: ``skillgraph serve`` stopped while queries run, a load
killed at several moments, a reload under mixed traffic."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.store import BUILDING_PREFIX, LiveStore, active_version
from service.http import SHUTDOWN_SECONDS
from skillgraph.pipeline import load_bundle, sample_datasets, sample_path
from tests.conftest import alive, eventually

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


class Served:
    """``skillgraph serve`` in a process of its own."""

    def __init__(self, store: Path, *options: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = store.parent / f"serve-{self.port}.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [SKILLGRAPH, "serve", "--store", str(store), "--port", str(self.port), *options],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def served(sample_root: Path) -> Iterator[Served]:
    server = Served(sample_root)
    yield server
    server.stop()


def test_sigterm_stops_the_server_within_5_s_whatever_queries_run(served: Served) -> None:
    def runaway() -> None:
        with contextlib.suppress(httpx.HTTPError):  # cut when the server stops
            httpx.post(served.url + "/sparql", data={"query": RUNAWAY}, timeout=60)

    threads = [threading.Thread(target=runaway) for _ in range(3)]
    for thread in threads:
        thread.start()

    def two_busy_one_waiting() -> bool:
        pool = httpx.get(served.url + "/health", timeout=10).json()["sparql"]
        return bool(pool["busy"] == 2 and pool["waiting"] == 1)

    eventually(two_busy_one_waiting, "the two workers were not busy with one query waiting")
    workers = children(served.process.pid)
    assert len(workers) >= 2
    started = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=30)
    # Requests get SHUTDOWN_SECONDS (3 s), then the workers are killed: the bound leaves a
    # busy machine room and is still a third of the 30 s the runaways would run.
    assert time.monotonic() - started < SHUTDOWN_SECONDS + 7
    eventually(lambda: not any(alive(pid) for pid in workers), "a query worker outlived it")
    for thread in threads:
        thread.join()


def test_a_load_killed_at_any_moment_leaves_the_served_version_and_a_clean_next_load(
    sample_copy: Path,
) -> None:
    root = sample_copy  # the sample with its datasets, as each load below loads it
    served_version = active_version(root)
    triples = LiveStore(root).get().triples
    linked = [str(dataset.path) for dataset in sample_datasets()]
    for delay in (0.3, 0.8, 1.5, 2.5):
        load = subprocess.Popen(
            [SKILLGRAPH, "load", str(sample_path()), *linked, "--store", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        os.kill(load.pid, signal.SIGKILL)
        load.wait()
        if active_version(root) != served_version:
            # The load had published before it was killed: that version is whole.
            served_version = active_version(root)
        assert LiveStore(root).get().triples == triples
    # The next load cleans what the killed ones left and publishes a whole version.
    result = load_bundle(sample_path(), root, datasets=sample_datasets())
    assert result.triples == triples
    assert not [p for p in root.iterdir() if p.name.startswith(BUILDING_PREFIX)]
    assert active_version(root) == result.version


def test_a_reload_under_mixed_traffic_fails_no_request(sample_copy: Path) -> None:
    root = sample_copy
    server = Served(root)
    try:
        before = httpx.get(server.url + "/health").json()["store"]
        ids = [o["id"] for o in httpx.get(server.url + "/occupations").json()["items"]][:10]
        failures: list[str] = []
        count = 0
        stop = threading.Event()

        def traffic(n: int) -> None:
            nonlocal count
            paths = [
                f"/occupations/{ids[n % len(ids)]}",
                f"/occupations/{ids[n % len(ids)]}/similar",
                "/occupations?q=producer",
                "/health",
            ]
            with httpx.Client(base_url=server.url, timeout=30) as client:
                while not stop.is_set():
                    for path in paths:
                        answer = client.get(path)
                        if answer.status_code != 200:
                            failures.append(f"{path}: {answer.status_code}")
                    answer = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
                    if answer.status_code != 200:
                        failures.append(f"/sparql: {answer.status_code} {answer.text[:100]}")
                    count += 5

        threads = [threading.Thread(target=traffic, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        eventually(lambda: count >= 100, "no traffic")
        # The load in a process of its own, as a user runs it: not slowed by the traffic's
        # threads in this one.
        subprocess.run(
            [SKILLGRAPH, "load", str(sample_path()), "--store", str(root)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        published = time.monotonic()
        eventually(
            lambda: httpx.get(server.url + "/health").json()["store"] != before,
            "the server did not switch",
        )
        switched, at_switch = time.monotonic() - published, count
        eventually(lambda: count >= at_switch + 100, "no traffic on the new version")
        stop.set()
        for thread in threads:
            thread.join()
        assert failures == []
        # The promise is 2 s; the bound leaves a busy machine room.
        assert switched < 10, f"switched {switched:.1f} s after the load"
        assert "now serving" in server.log.read_text()
    finally:
        server.stop()
