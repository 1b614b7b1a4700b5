"""Loading a new version under traffic: a load into the directory a server is serving, while
a client keeps asking, against building the new version's indexes in-process."""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import httpx

from benchmarks.common import ms, percentile, timed_load
from graph.catalog import Catalog
from graph.store import LiveStore


def measure_reload(base: str, bundle: Path, store: Path, ids: list[str]) -> dict[str, float]:
    """A load into the directory the server is serving, while one client asks for a career
    path every 20 ms (the request that needs the most prepared: the career index). Beside
    it, what that preparation takes in-process: what a request would wait for if the server
    built the new version's indexes on demand."""
    path = f"/occupations/{ids[0]}/paths/{ids[1 % len(ids)]}"
    seen: list[tuple[float, float]] = []  # (when, milliseconds)
    stop = threading.Event()

    def ask() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while not stop.is_set():
                started = time.perf_counter()
                client.get(path).raise_for_status()
                seen.append((time.monotonic(), (time.perf_counter() - started) * 1000))
                time.sleep(0.02)

    asking = threading.Thread(target=ask)
    with httpx.Client(base_url=base) as client:
        before = client.get("/health").json()["store"]
        asking.start()
        time.sleep(1)
        load_s = timed_load(bundle, store).seconds
        published = time.monotonic()
        while client.get("/health").json()["store"] == before:
            time.sleep(0.05)
        switched = time.monotonic()
    time.sleep(2)
    stop.set()
    asking.join()
    after = [ms for at, ms in seen if at >= published]
    new_version = LiveStore(store).get().store
    started = time.perf_counter()
    Catalog().warm(new_version)
    return {
        "load_s": load_s,
        "switch_s": switched - published,
        "requests": len(after),
        "median_ms": statistics.median(after),
        "p99_ms": percentile(after, 0.99),
        "max_ms": max(after),
        "prepare_s": time.perf_counter() - started,
    }


def reload_section(reload: dict[str, float]) -> list[str]:
    return [
        "## Loading a new version under traffic",
        "",
        "`skillgraph load` into the directory a server is serving (answer cache off), while one "
        "client asks for a career path every 20 ms. The server switches once it has read the new "
        "version's indexes (the load writes them beside the version), answering from the previous "
        "version until then; the baseline is building them, timed in-process: what the first "
        "request would wait for if they were built on demand.",
        "",
        "| load | switched, after publishing | requests after publishing | median | p99 | max "
        "| building the indexes (baseline) | max / baseline |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {reload['load_s']:.1f} s | {reload['switch_s']:.1f} s | {reload['requests']:.0f} | "
        f"{ms(reload['median_ms'])} ms | {ms(reload['p99_ms'])} ms | {ms(reload['max_ms'])} ms | "
        f"{reload['prepare_s']:.1f} s | {reload['max_ms'] / 1000 / reload['prepare_s']:.2f} |",
        "",
    ]
