"""The report: the figures a run measured, saved as JSON beside it and read back, and the
markdown page every family's section goes into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.careers import careers_section
from benchmarks.common import machine
from benchmarks.growth import growth_bounds, growth_met, growth_section
from benchmarks.latency import Latency, latency_section
from benchmarks.load import load_bounds, load_section
from benchmarks.memory import memory_section
from benchmarks.reload import reload_section
from benchmarks.sparql import sparql_bounds, sparql_section
from benchmarks.throughput import throughput_section


@dataclass
class Figures:
    """Everything a run measures, family by family (what ``run.py`` saves as JSON)."""

    load: dict[str, float] = field(default_factory=dict)
    occupations: int = 0
    latency: dict[str, dict[str, Latency]] = field(default_factory=dict)
    throughput: dict[str, dict[str, float]] = field(default_factory=dict)
    rss_mb: float = 0.0
    sparql: dict[str, dict[str, tuple[float, int] | str]] = field(default_factory=dict)
    growth: list[dict[str, float]] = field(default_factory=list)
    careers: dict[str, dict[str, float]] = field(default_factory=dict)
    reload: dict[str, float] = field(default_factory=dict)
    sparql_floor: dict[str, float] = field(default_factory=dict)
    """engine -> median milliseconds of an empty query over HTTP"""


def figures_from_json(data: dict[str, Any]) -> Figures:
    """Figures saved by a run, back as they were measured."""
    figures = Figures(**data)
    figures.latency = {
        label: {name: Latency(**value) for name, value in endpoints.items()}
        for label, endpoints in data["latency"].items()
    }
    figures.sparql = {
        engine: {
            query: tuple(value) if isinstance(value, list) else value
            for query, value in runs.items()
        }
        for engine, runs in data["sparql"].items()
    }
    return figures


def write_report(out: Path, figures: Figures, command: str, measured: datetime) -> None:
    """The page: each family's section, in the order the run measures them, then what bounds
    the targets not met. A family not measured (the smoke run has no peers) has none."""
    lines = [
        "# Benchmarks",
        "",
        f"Measured {measured:%Y-%m-%d %H:%M} UTC on {machine()}, with `{command}` "
        "(set up by `benchmarks/install.sh`). The machine is shared and noisy: every figure stands "
        "beside its baseline from the same run.",
        "",
        *load_section(figures.load),
        *latency_section(
            "Latency, answer cache on (the default)",
            figures.latency["cache on"],
            figures.occupations,
        ),
        *latency_section(
            "Latency, answer cache off (every answer from the store)",
            figures.latency["cache off"],
            figures.occupations,
        ),
        *throughput_section(figures.throughput),
        *memory_section(figures.rss_mb),
    ]
    if figures.careers:
        lines += careers_section(figures.careers, figures.occupations)
    if figures.reload:
        lines += reload_section(figures.reload)
    if figures.sparql:
        lines += sparql_section(figures.sparql, figures.sparql_floor)
    # What stands between a target not met and the figure measured, from this run's numbers.
    bounds = load_bounds(figures.load) + sparql_bounds(figures.sparql, figures.sparql_floor)
    if figures.growth:
        first, again = figures.load["load_s"], figures.growth[0]["load_s"]
        noise = abs(first - again) / min(first, again)
        lines += growth_section(figures.growth, noise)
        if not growth_met(figures.growth, noise):
            bounds += growth_bounds(figures.growth, noise)
    lines += ["## Where a target is not met, and what bounds it", ""]
    lines += bounds or ["Every target is met."]
    lines.append("")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
