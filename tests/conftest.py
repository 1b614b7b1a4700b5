"""Shared fixtures: stores loaded from real CSV bundles, and a real uvicorn server.

- ``tiny_root``: the hand-made bundle of ``tests/tiny.py`` in a fresh store of the test's own
  (a copy of a store loaded once per worker: copying is 50 times faster than loading).
- ``sample_root``: the bundled ESCO sample, loaded once per run; read only.
  ``sample_copy`` is a copy of it a test may change.
- ``full_root``: the full ESCO v1.2.0 bundle in ``../shared/esco-v1.2.0``, loaded once per
  run; read only. Full-data tests need it; CI has it.
- ``serve``: starts a real uvicorn server on a free port in a thread and stops it after.

The suite runs on two pytest-xdist workers (``-n 2`` in pyproject.toml). "Once per run" is
once for both: the first worker to need the store loads it while the other waits (see
:func:`loaded_once`). Full-data tests with a module fixture of their own run on one worker
(``xdist_group``, see :func:`pytest_collection_modifyitems`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from graph.store import ACTIVE
from loaders import datasets
from service.app import create_app
from service.http import server_options
from service.settings import Settings
from skillgraph.pipeline import load_bundle, sample_datasets, sample_path
from tests import tiny

REPO = Path(__file__).resolve().parent.parent
FULL_BUNDLE = REPO.parent / "shared" / "esco-v1.2.0"
FULL_ONET = REPO.parent / "shared" / "onet"
FULL_LABELS = REPO.parent / "shared" / "esco-labels-v1.0"
"""French, Spanish and US English labels of an earlier release (the multilingual tests)."""


@pytest.fixture
def tiny_bundle(tmp_path: Path) -> Path:
    """A fresh copy of the tiny bundle's CSV files, free to corrupt."""
    return tiny.write_bundle(tmp_path / "bundle")


def loaded_once(factory: pytest.TempPathFactory, name: str, load: Callable[[Path], object]) -> Path:
    """The store ``name``, which ``load`` loads, loaded once for the whole run: under xdist the
    first worker to need it loads it while the others wait for it, then they share it. Only for
    stores the tests read (a test that changes one takes a copy)."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder; each worker's own is below it
    folder = base / f"shared-{name}"
    folder.mkdir(exist_ok=True)
    root = folder / "store"
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (root / ACTIVE).exists():  # a load publishes it last: whole, or not there
            load(root)
    return root


def copy_store(root: Path, to: Path) -> Path:
    """A copy of the store directory ``root`` at ``to`` (its versions and its relative
    ``active`` link); returns ``to``. Only for a store no load or server is writing."""
    shutil.copytree(root, to, symlinks=True)
    return to


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny bundle loaded once; never served or changed, only copied."""
    base = tmp_path_factory.mktemp("tiny-template")
    root = base / "store"
    load_bundle(tiny.write_bundle(base / "bundle"), root)
    return root


@pytest.fixture
def tiny_root(tiny_template: Path, tmp_path: Path) -> Path:
    """A fresh store directory holding the tiny bundle, the test's own to change."""
    return copy_store(tiny_template, tmp_path / "store")


@pytest.fixture(scope="module")
def tiny_root_shared(tiny_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny bundle in a store shared by the read-only tests of one module."""
    return copy_store(tiny_template, tmp_path_factory.mktemp("tiny") / "store")


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled ESCO sample with its O*NET sample (as ``skillgraph serve`` serves it), loaded
    once. Shared: a test that changes the store takes ``sample_copy``."""
    return loaded_once(
        tmp_path_factory,
        "sample",
        lambda root: load_bundle(sample_path(), root, datasets=sample_datasets()),
    )


@pytest.fixture
def sample_copy(sample_root: Path, tmp_path: Path) -> Path:
    """A copy of ``sample_root`` that the test may load into, damage or serve."""
    return copy_store(sample_root, tmp_path / "store")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Full-data tests that load a store of their own (a module fixture, not ``full_root``,
    which every worker shares) run on one xdist worker, module by module, so that the store is
    loaded once and not on both workers at the same time. ``--dist loadgroup`` reads the
    groups; other tests go to whichever worker is free."""
    for item in items:
        if item.get_closest_marker("fulldata") and "full_root" not in getattr(
            item, "fixturenames", ()
        ):
            module = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(f"fulldata {module}"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Full-data tests need ../shared/esco-v1.2.0: without it they skip, with the reason,
    except in CI (``CI=true``), where the data is always there and its absence fails."""
    if item.get_closest_marker("fulldata") is None or (
        FULL_BUNDLE.is_dir() and FULL_LABELS.is_dir()
    ):
        return
    missing = FULL_BUNDLE if not FULL_BUNDLE.is_dir() else FULL_LABELS
    unavailable(f"the full ESCO data is not at {missing} (see README, Test it)")


def unavailable(reason: str) -> NoReturn:
    """Skip for want of data or a tool, but fail in CI (``CI=true``), which must have it."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI must have it", pytrace=False)
    pytest.skip(reason)


def npm_files(
    request: pytest.FixtureRequest,
    package: str,
    version: str,
    integrity: str,
    files: tuple[str, ...],
) -> Path:
    """The folder holding ``files`` of the npm package ``package@version`` (pinned by its
    sha512 ``integrity``), fetched once into the pytest cache by scripts/fetch-npm-file.sh;
    xdist workers take turns: the first fetches, the next finds them there."""
    if shutil.which("npm") is None:
        unavailable(f"npm is not installed (apt-get install npm); it fetches {package}")
    cache = request.config.cache
    assert cache is not None, "the pytest cache plugin is on"
    folder = cache.mkdir(package)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        script = str(REPO / "scripts" / "fetch-npm-file.sh")
        done = subprocess.run(
            ["bash", script, package, version, integrity, str(folder), *files],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    if done.returncode != 0:
        pytest.fail(f"scripts/fetch-npm-file.sh failed:\n{done.stderr}", pytrace=False)
    return folder


@pytest.fixture(scope="session")
def full_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full ESCO v1.2.0 classification with O*NET beside it, loaded once."""
    return loaded_once(
        tmp_path_factory,
        "full",
        lambda root: load_bundle(FULL_BUNDLE, root, datasets=[datasets.parse(str(FULL_ONET))]),
    )


def eventually(condition: Callable[[], bool], what: str, *, seconds: float = 30) -> None:
    """Wait until ``condition()`` holds, polling; fail with ``what`` after ``seconds`` (a
    deadline for a machine under load, not the time it is expected to take)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class LiveServer:
    """A uvicorn server running in a thread of the test process."""

    def __init__(self, app: FastAPI, *, root_path: str = "") -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, log_level="warning", lifespan="on", root_path=root_path, **server_options()
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the server thread died during start-up")
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start within 30 s")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self._socket.close()


@contextmanager
def running(
    root: Path, *, reload_check_seconds: float = 1.0, **settings: Any
) -> Iterator[LiveServer]:
    """A real server on the store directory ``root`` for the duration of the block;
    ``settings`` are more :class:`Settings` fields."""
    server = LiveServer(
        create_app(Settings(store=root, reload_check_seconds=reload_check_seconds, **settings))
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def serve() -> Iterator[Callable[[Path], LiveServer]]:
    """Start real servers on store directories; each is stopped at the end of the test."""
    with ExitStack() as stack:

        def start(root: Path, *, reload_check_seconds: float = 1.0, **settings: Any) -> LiveServer:
            return stack.enter_context(
                running(root, reload_check_seconds=reload_check_seconds, **settings)
            )

        yield start


@pytest.fixture(scope="session")
def sample_server(sample_root: Path) -> Iterator[LiveServer]:
    """One real server on the bundled sample for the whole session."""
    with running(sample_root) as server:
        yield server


@pytest.fixture
def sample_http(sample_server: LiveServer) -> Iterator[httpx.Client]:
    """An httpx client on the sample server."""
    with httpx.Client(base_url=sample_server.url, timeout=30) as client:
        yield client
