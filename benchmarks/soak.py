"""The long reliability runs: a soak of many clients mixing every endpoint and SPARQL, with
hostile queries among them, and a reload in the middle. Writes its figures to
docs/reliability.md (``--out``).

    .venv/bin/python benchmarks/soak.py --store STORE_DIR [--seconds 120] [--clients 32]

STORE_DIR is a store ``skillgraph load`` made (the full classification for the figures in
the docs). The run copies nothing: the reload loads ``--bundle`` into STORE_DIR itself.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script
from benchmarks.peers import rss_mb, start_skillgraph
from engine import Limits

REPO = Path(__file__).resolve().parent.parent
SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
LIMITS = Limits()
HOSTILE = [
    "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ",
]
SMALL_SPARQL = [
    "ASK {}",
    "SELECT (COUNT(*) AS ?n) WHERE { ?o a <http://data.europa.eu/esco/model#Occupation> }",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 50",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--bundle", type=Path, default=REPO.parent / "shared" / "esco-v1.2.0")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "reliability.md")
    args = parser.parse_args()
    work = Path("/tmp/skillgraph-soak")
    work.mkdir(exist_ok=True)
    server = start_skillgraph(args.store, work, cache_mb=64)
    base = server.url.rsplit("/sparql", 1)[0]
    try:
        figures = soak(base, server, args)
    finally:
        server.stop()
    write(args.out, figures, args)
    print(args.out.read_text())


TITLES = ("Senior Sound Engineer", "music producers", "nurse", "accountant assistent", "chef")


def _titles(rng: random.Random) -> dict[str, dict[str, object]]:
    """A reconciliation batch of ten titles, as OpenRefine sends one."""
    return {f"q{n}": {"query": rng.choice(TITLES), "type": "Occupation"} for n in range(10)}


def soak(base: str, server: object, args: argparse.Namespace) -> dict[str, object]:
    occupations = httpx.get(base + "/occupations", params={"limit": 100}).json()["items"]
    ids = [o["id"] for o in occupations]
    skills = [
        s["id"] for s in httpx.get(base + f"/occupations/{ids[0]}").json()["essential_skills"]
    ]
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()
    memory: list[tuple[float, float, float]] = []  # (seconds, with the workers, server alone)
    started = time.monotonic()

    def client(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=base, timeout=60) as http:
            while not stop.is_set():
                a, b = rng.choice(ids), rng.choice(ids)
                roll = rng.random()
                request: tuple[str, str, dict[str, Any]]
                if n == 0:  # the attacker: a hostile query every 3 s
                    stop.wait(3)
                    kind, request = (
                        "hostile",
                        ("POST", "/sparql", {"data": {"query": rng.choice(HOSTILE)}}),
                    )
                elif roll < 0.25:
                    kind, request = (
                        "sparql",
                        ("POST", "/sparql", {"data": {"query": rng.choice(SMALL_SPARQL)}}),
                    )
                else:
                    kind = "json"
                    choices: list[tuple[str, str, dict[str, Any]]] = [
                        ("GET", f"/occupations/{a}", {}),
                        ("GET", f"/occupations/{a}/similar", {}),
                        ("GET", f"/occupations/{a}/prospects", {}),
                        ("GET", f"/occupations/{a}/skill-gap/{b}", {}),
                        ("GET", f"/occupations/{a}/paths/{b}", {"params": {"max_steps": 2}}),
                        (
                            "GET",
                            "/occupations",
                            {"params": {"q": rng.choice(["manager", "producer", "nurse"])}},
                        ),
                        ("GET", f"/skills/{rng.choice(skills)}", {}),
                        (
                            "GET",
                            "/skills",
                            {"params": {"q": rng.choice(["manage budgets", "acounting"])}},
                        ),
                        (
                            "POST",
                            "/reconcile",
                            {"data": {"queries": json.dumps(_titles(rng))}},
                        ),
                        ("GET", "/isco/2654", {}),
                        ("GET", "/health", {}),
                        (
                            "POST",
                            "/match",
                            {"json": {"skills": rng.sample(skills, min(3, len(skills)))}},
                        ),
                    ]
                    request = rng.choice(choices)
                method, path, options = request
                t0 = time.perf_counter()
                try:
                    answer = http.request(method, path, **options)
                    status = answer.status_code
                except httpx.HTTPError as error:
                    status, answer = 0, None
                    with lock:
                        failures.append(f"{method} {path}: {type(error).__name__}")
                took = time.perf_counter() - t0
                expected = status in (200, 400, 503) if kind == "hostile" else status == 200
                with lock:
                    statuses[f"{kind} {status}"] += 1
                    if kind != "hostile":
                        latencies.append(took)
                    if not expected and answer is not None:
                        failures.append(f"{method} {path}: {status} {answer.text[:120]}")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    reload_at = args.seconds / 2
    reloaded: dict[str, float] = {}
    while (elapsed := time.monotonic() - started) < args.seconds:
        memory.append((elapsed, server.rss_mb(), rss_mb(server.pids()[:1])))  # type: ignore[attr-defined]
        if not reloaded and elapsed > reload_at and args.bundle.is_dir():
            before = httpx.get(base + "/health").json()["store"]
            load_started = time.monotonic()
            # As an operator reloads: `skillgraph load` in a process of its own.
            subprocess.run(
                [SKILLGRAPH, "load", str(args.bundle), "--store", str(args.store)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            published = time.monotonic()
            while httpx.get(base + "/health").json()["store"] == before:
                time.sleep(0.1)
            reloaded = {
                "load": published - load_started,
                "switch": time.monotonic() - published,
            }
        time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join(timeout=70)
    quarter = max(1, len(memory) // 4)
    settled = [m for m in memory if m[0] > reload_at + 30] or memory[-quarter:]
    return {
        "triples": httpx.get(base + "/health").json()["triples"],
        "statuses": dict(sorted(statuses.items())),
        "failures": failures,
        "requests": sum(statuses.values()),
        "median_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": sorted(latencies)[int(len(latencies) * 0.99)] * 1000 if latencies else 0.0,
        "memory_first": statistics.median(m for _, m, _ in memory[quarter : 2 * quarter]),
        "memory_last": statistics.median(m for _, m, _ in memory[-quarter:]),
        "memory_max": max(m for _, m, _ in memory),
        "server_first": statistics.median(s for _, _, s in memory[quarter : 2 * quarter]),
        "server_settled": statistics.median(s for _, _, s in settled[: len(settled) // 2 or 1]),
        "server_last": statistics.median(s for _, _, s in settled[len(settled) // 2 :] or settled),
        "reload": reloaded,
    }


def write(out: Path, figures: dict[str, object], args: argparse.Namespace) -> None:
    statuses = figures["statuses"]
    assert isinstance(statuses, dict)
    failures = figures["failures"]
    assert isinstance(failures, list)
    reload = figures["reload"]
    assert isinstance(reload, dict)
    lines = [
        "# Reliability",
        "",
        f"Written by `benchmarks/soak.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: "
        f"{args.clients} clients for {args.seconds:.0f} s against `skillgraph serve` "
        f"(its defaults: {LIMITS.workers} SPARQL workers, a queue of {LIMITS.queue}, "
        f"{LIMITS.timeout:g} s, {LIMITS.memory_bytes >> 20} MB) on a store of {figures['triples']:,} triples, on a 2-core "
        "machine that also runs the clients. One client is an attacker, sending a hostile "
        "SPARQL query every 3 s (a runaway cross product, 3,000 nested groups, a SERVICE call, "
        "a syntax error); of the others' requests a quarter are small SPARQL queries and the "
        "rest every JSON endpoint. Halfway through, the bundle is loaded again into the served "
        "store.",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| requests | {figures['requests']:,} |",
        f"| failed (an error, or a status other than expected) | {len(failures)} |",
        f"| latency of the ordinary requests, median / p99 | {figures['median_ms']:.1f} ms / {figures['p99_ms']:.0f} ms |",
        f"| memory of the server and its SPARQL workers: second quarter / last quarter / max | {figures['memory_first']:.0f} / {figures['memory_last']:.0f} / {figures['memory_max']:.0f} MB |",
        f"| memory of the server process alone: second quarter (before the reload) / the first and second halves of the time after it settled | {figures['server_first']:.0f} / {figures['server_settled']:.0f} / {figures['server_last']:.0f} MB |",
    ]
    if reload:
        lines.append(
            f"| reload: load time under traffic / switch after the load | {reload['load']:.1f} s / {reload['switch']:.1f} s |"
        )
    lines += ["", "| request kind and status | count |", "| --- | --- |"]
    lines += [f"| {kind} | {count:,} |" for kind, count in statuses.items()]
    lines += [
        "",
        "Hostile queries answer 400 (refused before the engine) or 503 (stopped at its time or "
        "memory limit); while a runaway holds one worker, the ordinary SPARQL queries share "
        "the other, which is what their latency's tail shows. The workers' memory peaks while "
        "a runaway grows toward its 1 GB limit; the server keeps the indexes of the previous "
        "version beside the new one's for 30 s after the switch (for requests still on it), "
        "which the time after the reload measured here mostly falls within.",
    ]
    if failures:
        lines += ["", "Failures (first 20):", ""] + [f"- `{f}`" for f in failures[:20]]
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
