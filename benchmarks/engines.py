"""The SPARQL engine designs side by side: worker processes (ours), threads in the server
process (the design before them, which cannot stop a query), and Oxigraph's own server.

Each is started on the same store version and asked the same queries in rounds that take
turns, so a burst of other work on a shared machine falls on all alike. Reports, for each:
the median time of small queries, throughput with concurrent clients, resident memory of
the server and its children, and for a 1,000,000-row answer the time to its first byte and
how much the server grew while it streamed.

    .venv/bin/python benchmarks/engines.py --store STORE_DIR [--rounds 30]

The store is a directory ``skillgraph load`` made (its active version is served). Needs the
``oxigraph`` package (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script
from benchmarks.peers import Server, _spawn, free_port
from graph.store import active_version

SMALL = {
    "ASK {}": "ASK {}",
    "an occupation's essential skills": """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?skill ?label WHERE {
          <http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f> ?p ?skill .
          ?skill skos:prefLabel ?label } LIMIT 100""",
    "count occupations": """SELECT (COUNT(*) AS ?n) WHERE {
          ?o a <http://data.europa.eu/esco/model#Occupation> }""",
}
MILLION = "SELECT * WHERE { ?s ?p ?o VALUES ?x { 1 2 3 } } LIMIT 1000000"


def _start(name: str, args: list[str], url: str, probe: str, log: Path) -> Server:
    """Start a server process and wait until ``probe`` answers."""
    server = Server(name, url, _spawn(args, log))
    server.log = log
    server.wait(probe)
    return server


def start_threads(store: Path, work: Path) -> Server:
    """Our app with SPARQL in threads of its own process (no limits), as before workers."""
    port = free_port()
    code = (
        "import uvicorn; from pyoxigraph import Store; from service.app import create_app; "
        f"uvicorn.run(create_app(store=Store.read_only({str(store)!r})), port={port}, "
        "log_level='warning')"
    )
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-c", code]
    return _start(
        "threads in the server", args, base + "/sparql", base + "/health", work / "threads.log"
    )


def start_workers(root: Path, work: Path) -> Server:
    """``skillgraph serve``: SPARQL in worker processes."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    binary = str(Path(sys.executable).with_name("skillgraph"))
    args = [binary, "serve", "--store", str(root), "--port", str(port), "--log-level", "warning"]
    return _start(
        "worker processes (ours)", args, base + "/sparql", base + "/health", work / "workers.log"
    )


def start_oxigraph(store: Path, work: Path) -> Server:
    """Oxigraph's own server, read-only on the same store version."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    args = [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    args += ["--timeout-s", "120"]
    return _start(
        "Oxigraph's server",
        args,
        base + "/query",
        base + "/query?query=ASK%7B%7D",
        work / "oxigraph.log",
    )


def ask(client: httpx.Client, server: Server, query: str) -> float:
    started = time.perf_counter()
    answer = client.post(server.url, data={"query": query})
    answer.raise_for_status()
    return time.perf_counter() - started


def latency(servers: list[Server], rounds: int) -> dict[str, dict[str, float]]:
    samples: dict[str, dict[str, list[float]]] = {s.name: {q: [] for q in SMALL} for s in servers}
    with httpx.Client(timeout=60) as client:
        for server in servers:  # warm up
            for query in SMALL.values():
                ask(client, server, query)
        for round_number in range(rounds):
            for name, query in SMALL.items():
                turn = (
                    servers[round_number % len(servers) :] + servers[: round_number % len(servers)]
                )
                for server in turn:
                    for _ in range(5):
                        samples[server.name][name].append(ask(client, server, query))
    return {
        server: {q: statistics.median(times) * 1000 for q, times in queries.items()}
        for server, queries in samples.items()
    }


def throughput(server: Server, clients: int, seconds: float) -> float:
    """Small queries answered per second by ``clients`` threads asking in a loop."""
    done = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop() -> None:
        nonlocal done
        with httpx.Client(timeout=60) as client:
            while time.monotonic() < stop:
                ask(client, server, SMALL["an occupation's essential skills"])
                with lock:
                    done += 1

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / seconds


def stream(server: Server) -> tuple[float, float, float, int]:
    """A 1,000,000-row CSV answer: (seconds to the first byte, to the last, MB the server
    grew at most while streaming (looked at five times a second), bytes)."""
    before = server.rss_mb()
    peak = before
    size = 0
    started = time.perf_counter()
    looked = started
    first = None
    with (
        httpx.Client(timeout=120) as client,
        client.stream(
            "POST", server.url, data={"query": MILLION}, headers={"accept": "text/csv"}
        ) as answer,
    ):
        for chunk in answer.iter_bytes():
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
            if time.perf_counter() - looked > 0.2:
                peak = max(peak, server.rss_mb())
                looked = time.perf_counter()
    return first or 0.0, time.perf_counter() - started, peak - before, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--work", type=Path, default=Path("/tmp/skillgraph-engines"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    version = active_version(args.store)
    servers = [
        start_workers(args.store, args.work),
        start_threads(version, args.work),
        start_oxigraph(version, args.work),
    ]
    try:
        medians = latency(servers, args.rounds)
        print("| engine | " + " | ".join(SMALL) + " | throughput, 8 clients | memory |")
        print("| --- |" + " --- |" * (len(SMALL) + 2))
        for server in servers:
            rate = throughput(server, 8, 5)
            cells = " | ".join(f"{medians[server.name][q]:.2f} ms" for q in SMALL)
            print(f"| {server.name} | {cells} | {rate:.0f}/s | {server.rss_mb():.0f} MB |")
        print()
        print("| engine | 1,000,000 rows: first byte | last byte | server grew by | CSV |")
        print("| --- | --- | --- | --- | --- |")
        for server in servers:
            first, last, grew, rows = stream(server)
            cells = f"{first:.3f} s | {last:.2f} s | {grew:.0f} MB | {rows >> 20} MB"
            print(f"| {server.name} | {cells} |")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"benchmarks/engines.py: {error}")
