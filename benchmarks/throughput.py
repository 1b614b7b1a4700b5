"""Throughput: wrk at 32 connections on the JSON endpoints, against ``/health`` on the same
server in the same run."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from benchmarks.common import ENDPOINTS, paths_for, verdict

WRK_SCRIPT = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def wrk(base: str, paths: list[str], work: Path, seconds: int) -> float:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (benchmarks/install.sh installs it)")
    listing = Path(tempfile.mkstemp(suffix=".txt", dir=work)[1])
    listing.write_text("\n".join(paths))
    script = listing.with_suffix(".lua")
    script.write_text(WRK_SCRIPT % listing)
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"no rate in wrk's output:\n{out}")
    return float(found.group(1))


def measure_throughput(base: str, ids: list[str], work: Path, seconds: int) -> dict[str, float]:
    figures = {"health": wrk(base, ["/health"], work, seconds)}
    for name, template in ENDPOINTS.items():
        figures[name] = wrk(base, paths_for(ids, template), work, seconds)
    return figures


def throughput_section(runs: dict[str, dict[str, float]]) -> list[str]:
    lines = [
        "## Throughput",
        "",
        "wrk, 2 threads, 32 connections, requests per second; the JSON endpoints rotate over the "
        "same occupations. The ceiling is `/health` on the same server in the same run.",
        "",
        "| server | /health | " + " | ".join(ENDPOINTS) + " | slowest / health | target ≥ 0.5 |",
        "| --- | --- | " + " | ".join("---" for _ in ENDPOINTS) + " | --- | --- |",
    ]
    for label, t in runs.items():
        worst = min(t[name] for name in ENDPOINTS) / t["health"]
        judged = (
            verdict(worst >= 0.5) if label.endswith("cache on") else "(cache off, for reference)"
        )
        lines.append(
            f"| {label} | {t['health']:.0f} | "
            + " | ".join(f"{t[n]:.0f}" for n in ENDPOINTS)
            + f" | {worst:.2f} | {judged} |"
        )
    one, two = runs.get("1 worker, cache off"), runs.get("2 workers, cache off")
    if one and two:
        gain = statistics.mean(two[n] / one[n] for n in ENDPOINTS)
        lines += [
            "",
            f"`--workers 2` against one worker, cache off: {gain:.2f}x the requests per second, "
            "on average over the JSON endpoints (the machine has 2 cores, shared with wrk).",
        ]
    return [*lines, ""]
