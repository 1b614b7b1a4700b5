"""Memory: the resident memory of our server (one worker, its children included), read
after the latency and throughput runs (``peers.Server.rss_mb``)."""

from __future__ import annotations

from benchmarks.common import verdict


def memory_section(rss_mb: float) -> list[str]:
    return [
        "## Memory",
        "",
        "Resident memory of the server (one worker) serving the classification, after the "
        f"latency and throughput runs: {rss_mb:.0f} MB. "
        f"Target under 500 MB: {verdict(rss_mb < 500)}.",
        "",
    ]
