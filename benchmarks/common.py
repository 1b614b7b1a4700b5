"""What every part of the benchmark shares: the JSON endpoints it asks and how it asks them
over one connection, the servers it starts, a timed load, percentiles and the report's
number formats and verdicts.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks import peers
from skillgraph.pipeline import LoadResult, load_bundle

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


ENDPOINTS = {
    "profile": "/occupations/{id}",
    "similar": "/occupations/{id}/similar",
    "prospects": "/occupations/{id}/prospects",
    "skill gap": "/occupations/{id}/skill-gap/{next}",
}
"""The JSON endpoints every family measures (latency, throughput, growth), each asked for
every measured occupation (``next``: the following one)."""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}"


def timed_load(bundle: Path, store: Path) -> LoadResult:
    """``load_bundle``, once the disk has written what earlier steps left in the page cache
    (the stores and dumps of a benchmark add up to gigabytes): a load must not pay for
    writing back a previous step's files."""
    os.sync()
    return load_bundle(bundle, store)


def occupation_ids(base: str, count: int) -> list[str]:
    ids: list[str] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        while items := client.get("/occupations", params={"limit": 100, "offset": len(ids)}).json()[
            "items"
        ]:
            ids.extend(item["id"] for item in items)
    return ids[:: max(1, len(ids) // count)][:count]


def paths_for(
    ids: list[str], template: str, samples: dict[str, list[str]] | None = None
) -> list[str]:
    more = samples or {}
    return [
        template.format(
            id=i, next=ids[(n + 1) % len(ids)], **{k: v[n % len(v)] for k, v in more.items()}
        )
        for n, i in enumerate(ids)
    ]


def timed_pass(
    base: str, paths: list[str], *, bodies: list[dict[str, Any]] | None = None
) -> list[float]:
    """Milliseconds per request over one keep-alive connection: a GET of each path, or with
    ``bodies``, a POST of each body as JSON to the one path given."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    requests = (
        [("GET", path, None) for path in paths]
        if bodies is None
        else [("POST", paths[0], json.dumps(body)) for body in bodies]
    )
    times = []
    for method, path, data in requests:
        headers = {"content-type": "application/json"} if data is not None else {}
        started = time.perf_counter()
        connection.request(method, path, data, headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {response.status}")
    connection.close()
    return times


def api_base(server: peers.Server) -> str:
    """Where our server answers the JSON API (its ``url`` is the SPARQL endpoint)."""
    return server.url.removesuffix("/sparql")


class Servers:
    """The servers a run starts: each is stopped once measured, and :meth:`stop` stops any
    still running at the end, whatever happened in between."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.running: list[peers.Server] = []

    def skillgraph(self, **options: int) -> peers.Server:
        """Ours, serving the run's store (``work/store``) with ``options``
        (``workers``, ``cache_mb``)."""
        return self.add(peers.start_skillgraph(self.work / "store", self.work, **options))

    def add(self, server: peers.Server) -> peers.Server:
        self.running.append(server)
        return server

    def stop(self) -> None:
        for server in self.running:
            server.stop()
