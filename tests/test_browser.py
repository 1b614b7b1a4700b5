"""The docs page in a real browser: headless Chromium renders /docs from local assets.

Needs Debian's chromium (``apt-get install chromium``); CI installs it, and there (CI set)
a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LiveServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def run_chromium(binary: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=15000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_docs_page_renders_every_endpoint(
    chromium: str, sample_server: LiveServer, tmp_path: Path
) -> None:
    result = run_chromium(chromium, tmp_path, "--dump-dom", sample_server.url + "/docs")
    dom = result.stdout
    assert "swagger-ui" in dom, result.stderr[-2000:]
    for path in [
        "/occupations/{id}/similar",
        "/occupations/{id}/skill-gap/{target}",
        "/isco/{code}",
        "/skills",
        "/suggest",
        "/sparql",
    ]:
        assert path in dom, path  # only there once Swagger UI has run and rendered the spec
    assert "Failed to load API definition" not in dom


def test_the_home_page_is_the_site_and_links_the_docs(
    chromium: str, sample_server: LiveServer, tmp_path: Path
) -> None:
    result = run_chromium(chromium, tmp_path, "--dump-dom", sample_server.url + "/")
    assert "Occupations and skills" in result.stdout
    assert 'href="/docs"' in result.stdout and 'action="/search"' in result.stdout
