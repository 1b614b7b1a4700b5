"""What an answer costs when no answer is cached: wrk on the JSON endpoints of a server
started with ``--cache-mb 0``, against ``/health`` on the same server in the same run.

Two trees of skillgraph (say, this one and a worktree of an older commit) can be measured
side by side, taking turns, on one store, so that the figures compare code, not the moment::

    git worktree add /tmp/before <commit>
    .venv/bin/python benchmarks/uncached.py --store STORE --tree . --tree /tmp/before

Each tree is run as ``python -m skillgraph serve`` with this interpreter and the tree first
on ``PYTHONPATH``. A tree reads the indexes its own code wrote beside the store version
(``graph.prepare``), or builds them when it starts. The figures are requests per second
and, as what to compare, their ratio to ``/health`` in the same run.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ENDPOINTS, paths_for
from benchmarks.throughput import wrk


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(tree: Path, store: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
    command = [sys.executable, "-m", "skillgraph", "serve", "--store", str(store)]
    command += ["--port", str(port), "--cache-mb", "0", "--workers", "1"]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait(base: str, server: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling for the server to be up, with a deadline
    raise RuntimeError(f"the server did not answer within {timeout} s")


def _occupations(base: str, count: int) -> list[str]:
    items = httpx.get(base + "/occupations", params={"limit": 100}, timeout=30).json()["items"]
    return [item["id"] for item in items[::3]][:count]


def measure(tree: Path, store: Path, seconds: int, work: Path) -> dict[str, float]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / f"server-{port}.log"
    server = _serve(tree, store, port, log)
    try:
        _wait(base, server, log, timeout=300)
        ids = _occupations(base, 30)
        figures = {"health": wrk(base, ["/health"], work, seconds)}
        for name, template in ENDPOINTS.items():
            figures[name] = wrk(base, paths_for(ids, template), work, seconds)
        return figures
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--tree", type=Path, action="append", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--out", type=Path, help="also write the table to this markdown file")
    args = parser.parse_args()
    runs: dict[Path, list[dict[str, float]]] = {tree: [] for tree in args.tree}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.rounds):
            for tree in args.tree:
                figures = measure(tree, args.store, args.seconds, Path(scratch))
                runs[tree].append(figures)
                shown = ", ".join(f"{k} {v:,.0f}" for k, v in figures.items())
                print(f"round {round_ + 1}, {tree}: {shown}", flush=True)
    names = ["health", *ENDPOINTS]
    lines = ["| tree | " + " | ".join(names) + " |", "| --- " * (len(names) + 1) + "|"]
    for tree, rounds in runs.items():
        cells = []
        for name in names:
            rate = statistics.median(f[name] for f in rounds)
            ratio = statistics.median(f[name] / f["health"] for f in rounds)
            cells.append(f"{rate:,.0f}" + ("" if name == "health" else f" ({ratio:.3f})"))
        lines.append(f"| {tree} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Requests per second (wrk, 2 threads, 32 connections, {args.seconds} s a run, "
        f"median of {args.rounds} rounds taken in turn), one worker, `--cache-mb 0`; in "
        "brackets the ratio to `/health` on the same server in the same round, which is "
        "what to compare."
    )
    print("\n" + "\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
