"""How long ``/health`` waits while the server takes in a 1 MiB SPARQL query.

A real ``skillgraph serve`` (one process) on the bundled sample, or on ``--store``: a
client POSTs a query of about 1 MiB (the largest body the endpoint accepts) while another
asks ``/health`` over and over; the figure is the slowest ``/health`` during the query,
against the slowest with nothing else running. Screening the query on the event loop
stalls every request of the process for as long as it takes; off the loop, ``/health``
hardly notices.

    .venv/bin/python benchmarks/screen_stall.py [--store STORE_DIR] [--rounds 5]
        [--shape numbers|rows|names]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script
from benchmarks.peers import start_skillgraph

MIB = 1 << 20
SHAPES = {
    "numbers": ("SELECT * WHERE { VALUES ?x { ", "{n} ", "} }"),
    "rows": ("SELECT * WHERE { VALUES (?x ?label) { ", '({n} "row {n}") ', "} }"),
    "names": ("SELECT * WHERE { VALUES ?x { ", "esco:n{n} ", "} }"),
}


def big_query(shape: str) -> str:
    """A VALUES query of ``shape`` just under 1 MiB of UTF-8."""
    head, row, tail = SHAPES[shape]
    parts = [head]
    size = len(head) + len(tail)
    n = 0
    while True:
        item = row.format(n=n)
        if size + len(item) > MIB - 64:
            break
        parts.append(item)
        size += len(item)
        n += 1
    return "".join(parts) + tail


def health_latencies(client: httpx.Client, until: threading.Event) -> list[float]:
    """Seconds of each ``/health`` asked one after another until ``until`` is set."""
    latencies = []
    while not until.is_set():
        started = time.perf_counter()
        client.get("/health").raise_for_status()
        latencies.append(time.perf_counter() - started)
    return latencies


def one_round(base: str, query: str) -> tuple[float, float, int, int]:
    """The slowest ``/health`` while ``query`` is answered, the query's seconds, its status
    and how many ``/health`` answers came meanwhile."""
    done = threading.Event()
    outcome: dict[str, float] = {}

    def ask() -> None:
        started = time.perf_counter()
        with httpx.Client(base_url=base, timeout=120) as client:
            answer = client.post(
                "/sparql",
                content=query.encode(),
                headers={"content-type": "application/sparql-query", "accept": "text/csv"},
            )
        outcome["seconds"] = time.perf_counter() - started
        outcome["status"] = answer.status_code
        done.set()

    with httpx.Client(base_url=base, timeout=120) as client:
        client.get("/health")  # the connection is open before the query starts
        thread = threading.Thread(target=ask)
        thread.start()
        latencies = health_latencies(client, done)
        thread.join()
    return max(latencies), outcome["seconds"], int(outcome["status"]), len(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, help="a store directory (default: the sample)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="numbers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        store = args.store
        if store is None:
            from skillgraph.pipeline import load_bundle, sample_path

            store = Path(work) / "store"
            load_bundle(sample_path(), store)
        server = start_skillgraph(store, Path(work))
        try:
            base = server.url.removesuffix("/sparql")
            query = big_query(args.shape)
            with httpx.Client(base_url=base, timeout=30) as client:
                quiet = done = threading.Event()
                timer = threading.Timer(2.0, done.set)
                timer.start()
                idle = max(health_latencies(client, quiet))
            print(f"query: {args.shape}, {len(query.encode()):,} bytes")
            print(f"/health alone: slowest {idle * 1000:.1f} ms over 2 s")
            worst = []
            for _ in range(args.rounds):
                slowest, seconds, status, count = one_round(base, query)
                worst.append(slowest)
                print(
                    f"/health during the query: slowest {slowest * 1000:6.1f} ms of {count} "
                    f"answers; the query: {status} in {seconds:.2f} s"
                )
            print(
                f"slowest /health during the query: median {statistics.median(worst) * 1000:.1f} "
                f"ms, worst {max(worst) * 1000:.1f} ms over {args.rounds} rounds"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
