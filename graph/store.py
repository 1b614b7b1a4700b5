"""The on-disk Oxigraph store, kept as immutable versions behind one ``active`` link.

A store directory looks like this::

    DIR/
      active -> v-000002-20261123T210800Z   the version being served (a symlink)
      v-000002-20261123T210800Z/            an Oxigraph (RocksDB) directory, never written again
      v-000001-20261122T090000Z/            the previous version, kept for servers still on it
      .lock                                 held while a load runs

A load builds a new version in a hidden folder beside the others and only when it is
complete renames it and swaps the link (``os.replace`` of a symlink is atomic), so a failed
load leaves the previous version served as it was. Servers open versions read-only and
follow the link when it changes, so ``skillgraph load`` into a served directory is picked
up without a restart.

A directory that holds a bare Oxigraph store (say, one made by ``oxigraph load``) opens too.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Quad, Store

from graph.errors import StoreError

ACTIVE = "active"
VERSION_PREFIX = "v-"
BUILDING_PREFIX = ".building-"
LOCK = ".lock"
KEEP_VERSIONS = 2


def _is_oxigraph_dir(path: Path) -> bool:
    # RocksDB writes CURRENT and an IDENTITY file into every database directory.
    return (path / "CURRENT").is_file() and (path / "IDENTITY").is_file()


def active_version(root: Path) -> Path:
    """The Oxigraph directory currently served from ``root``.

    :raises StoreError: if ``root`` holds no store.
    """
    link = root / ACTIVE
    if link.is_symlink() or link.exists():
        target = (root / os.readlink(link)) if link.is_symlink() else link
        if _is_oxigraph_dir(target):
            return target
        raise StoreError(f"{link} points to {target}, which is not an Oxigraph store")
    if _is_oxigraph_dir(root):
        return root
    if not root.exists():
        raise StoreError(
            f"no store at {root}: create one with 'skillgraph load BUNDLE --store {root}'"
        )
    raise StoreError(
        f"{root} holds no skillgraph store: load one with 'skillgraph load BUNDLE --store {root}'"
    )


def open_read_only(path: Path) -> Store:
    """Open one store version read-only (several processes may share it).

    :raises StoreError: if it cannot be opened.
    """
    try:
        return Store.read_only(str(path))
    except OSError as error:
        raise StoreError(f"cannot open the store at {path}: {error}") from error


@contextlib.contextmanager
def _load_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"another load into {root} is running") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_store(
    root: Path,
    quads: Iterable[Quad],
    *,
    finish: Callable[[Store], None] | None = None,
) -> Path:
    """Write ``quads`` as a new store version under ``root`` and make it the active one.

    ``finish`` runs on the new, still writable store once every quad is in (derived facts
    go there). If anything raises, the half-built version is removed and the active one is
    untouched. Returns the new version's directory.

    :raises StoreError: if ``root`` holds something that is not ours, or a load is running.
    """
    if root.exists() and _is_oxigraph_dir(root):
        raise StoreError(
            f"{root} is a bare Oxigraph store; load into a new directory so it is not overwritten"
        )
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} is a file, not a store directory")
    with _load_lock(root):
        for stale in root.glob(BUILDING_PREFIX + "*"):
            # We hold the lock, so these are left over from a load that was killed.
            shutil.rmtree(stale, ignore_errors=True)
        # A sequence number taken under the lock orders versions even within one second.
        name = f"{VERSION_PREFIX}{_next_sequence(root):06d}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        building = root / (BUILDING_PREFIX + name)
        try:
            store = Store(str(building))
            store.bulk_extend(quads)
            if finish is not None:
                finish(store)
            # Several bulk loads leave several layers of files; compacting them makes reads
            # as fast as on a store loaded in one go (1.5x on aggregates, for under a second).
            store.optimize()
            store.flush()
            del store  # closes the database before it is renamed
            version = root / name
            building.rename(version)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        _publish(root, version)
        _prune(root, keep=KEEP_VERSIONS)
        return version


def _sequence(version: Path) -> int:
    number = version.name[len(VERSION_PREFIX) :].split("-", 1)[0]
    return int(number) if number.isdigit() else 0


def _versions(root: Path) -> list[Path]:
    """The store versions under ``root``, newest first."""
    found = [p for p in root.glob(VERSION_PREFIX + "*") if p.is_dir()]
    return sorted(found, key=lambda p: (_sequence(p), p.name), reverse=True)


def _next_sequence(root: Path) -> int:
    versions = _versions(root)
    return _sequence(versions[0]) + 1 if versions else 1


def _publish(root: Path, version: Path) -> None:
    temporary = root / f".{ACTIVE}-{secrets.token_hex(3)}"
    os.symlink(version.name, temporary)
    os.replace(temporary, root / ACTIVE)


def _prune(root: Path, *, keep: int) -> None:
    active = (root / os.readlink(root / ACTIVE)).name
    previous = 0
    for version in _versions(root):
        if version.name == active:
            continue
        if previous < keep - 1:
            previous += 1  # kept for servers that have not switched over yet
            continue
        shutil.rmtree(version, ignore_errors=True)


@dataclass(frozen=True)
class OpenStore:
    """One opened store version with the facts about it that never change."""

    store: Store
    path: Path
    triples: int


class LiveStore:
    """The active version of a store directory, reopened when a load publishes a new one.

    Checks the ``active`` link at most once per ``check_every`` seconds, so a request costs
    no file-system call in the common case. Safe to share between threads.
    """

    def __init__(self, root: Path, *, check_every: float = 1.0) -> None:
        self.root = root
        self._check_every = check_every
        self._lock = threading.Lock()
        self._current = self._open(active_version(root))
        self._checked_at = time.monotonic()

    @staticmethod
    def _open(path: Path) -> OpenStore:
        store = open_read_only(path)
        return OpenStore(store=store, path=path, triples=len(store))

    def get(self) -> OpenStore:
        """The store to answer this request from."""
        now = time.monotonic()
        if now - self._checked_at < self._check_every:
            return self._current
        with self._lock:
            if now - self._checked_at >= self._check_every:
                self._checked_at = now
                try:
                    path = active_version(self.root)
                except StoreError:
                    return self._current  # keep serving what we have
                if path != self._current.path:
                    self._current = self._open(path)
        return self._current


class FixedStore:
    """A store that never changes (an in-memory or test store)."""

    def __init__(self, store: Store, *, path: Path | None = None) -> None:
        self._current = OpenStore(store=store, path=path or Path(":memory:"), triples=len(store))

    def get(self) -> OpenStore:
        """The store to answer this request from."""
        return self._current
