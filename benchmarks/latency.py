"""Latency: one client with keep-alive asking each JSON endpoint over every measured
occupation, twice (the first pass answers from the store; the second, with the answer cache
on, from the cache)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from benchmarks.common import ENDPOINTS, ms, paths_for, percentile, timed_pass, verdict

MORE_ENDPOINTS = {
    "search occupations": "/occupations?q={word}",
    "skill": "/skills/{skill}",
    "search skills": "/skills?q={skill_word}",
    "suggest": "/suggest?q={prefix}",
    "ISCO group": "/isco/{isco}",
}
"""The other JSON endpoints, measured for latency only; each sample taken from the measured
occupations' profiles (see :func:`samples_for`)."""


@dataclass
class Latency:
    first_median: float
    first_p99: float
    median: float
    p99: float


def samples_for(base: str, ids: list[str]) -> dict[str, list[str]]:
    """What the other endpoints are asked, one of each per occupation: the occupation's first
    essential skill, its ISCO group cut to levels 1 to 4 in turn (a major group holds up to
    a thousand occupations), the first word of its label and of the skill's, and the first
    three letters of its label."""
    samples: dict[str, list[str]] = {k: [] for k in ("skill", "isco", "word", "skill_word")}
    samples["prefix"] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for n, id in enumerate(ids):
            profile = client.get(f"/occupations/{id}").json()
            skills = profile["essential_skills"] or profile["optional_skills"]
            if skills:
                samples["skill"].append(skills[0]["id"])
                samples["skill_word"].append(quote(skills[0]["label"].split()[0]))
            if profile["isco_group"]:
                code = profile["isco_group"]["code"]
                samples["isco"].append(code[: 1 + n % len(code)])
            samples["word"].append(quote(profile["label"].split()[0]))
            samples["prefix"].append(quote(profile["label"][:3]))
    return samples


def measure_latency(base: str, ids: list[str], *, cached: bool) -> dict[str, Latency]:
    """One client, each endpoint over every occupation twice. The first pass answers from
    the store; with the answer cache on, the second answers from the cache."""
    figures = {}
    samples = samples_for(base, ids)
    for name, template in {**ENDPOINTS, **MORE_ENDPOINTS}.items():
        paths = paths_for(ids, template, samples)
        first, second = timed_pass(base, paths), timed_pass(base, paths)
        measured = second if cached else first + second
        figures[name] = Latency(
            statistics.median(first),
            percentile(first, 0.99),
            statistics.median(measured),
            percentile(measured, 0.99),
        )
    return figures


def latency_section(title: str, latency: dict[str, Latency], occupations: int) -> list[str]:
    lines = [
        f"## {title}",
        "",
        f"One client with keep-alive, each endpoint over {occupations} different occupations, "
        'milliseconds over HTTP. "First" is the first request for each occupation.',
        "",
        "| endpoint | first: median | first: p99 | median | p99 "
        "| target median < 5 ms, p99 < 20 ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in latency.items():
        lines.append(
            f"| {name} | {ms(f.first_median)} | {ms(f.first_p99)} | {ms(f.median)} | {ms(f.p99)} "
            f"| {verdict(f.median < 5 and f.p99 < 20)} |"
        )
    return [*lines, ""]
