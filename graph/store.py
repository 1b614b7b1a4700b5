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
import functools
import logging
import os
import secrets
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from queue import Queue
from typing import Generic, TypeVar

from pyoxigraph import NamedNode, RdfFormat, Store

from graph.errors import BundleError, StoreError, UnknownReleaseError
from graph.releases import Release, StoreView, releases

log = logging.getLogger("skillgraph.store")

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
    except (OSError, RuntimeError) as error:  # RocksDB reports damaged files as RuntimeError
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


@dataclass(frozen=True)
class BuiltVersion:
    """A store version a load made and published."""

    path: Path
    triples: int
    inserted_at: float
    """``time.perf_counter()`` when the engine had every triple in"""
    written_at: float
    """``time.perf_counter()`` when the store was compacted and closed (``prepare`` next)"""


@dataclass(frozen=True)
class RdfFile:
    """An RDF file the engine reads itself, streaming it (a dataset loaded beside ESCO)."""

    path: Path
    format: RdfFormat


Piece = tuple[NamedNode, bytes | RdfFile]
"""N-Triples text of a few MB, ending at a line end, or an RDF file, and the named graph it
goes into (an RDF file's quads that name a graph keep theirs)."""


def build_store(
    root: Path, ntriples: Iterable[Piece], *, prepare: Callable[[Path], None] | None = None
) -> BuiltVersion:
    """Load N-Triples text as a new store version under ``root`` and make it the active one.

    ``ntriples`` is the whole text in pieces of a few MB, each ending at a line end, with
    the named graph each goes into. Each piece is a document of its own to the engine: it
    must hold every triple of the blank nodes it names. Oxigraph's bulk loaders insert the
    pieces while the next ones are still
    being made (see :func:`_bulk_load_stream`). ``prepare`` gets the folder of the written
    (and closed) version before it is published, to add what servers read beside the store
    (:func:`graph.prepare.write`). If anything raises, the half-built version is removed
    and the active one is untouched.

    :raises StoreError: if ``root`` holds something that is not ours, a load is running, or
        the engine refuses the text.
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
            triples, inserted_at = _fill(building, ntriples)
            written_at = time.perf_counter()
            if prepare is not None:
                prepare(building)
            version = root / name
            building.rename(version)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        _publish(root, version)
        _prune(root, keep=KEEP_VERSIONS)
        return BuiltVersion(version, triples, inserted_at, written_at)


def _fill(path: Path, ntriples: Iterable[Piece]) -> tuple[int, float]:
    """Load the text into a new database at ``path`` and compact it: (triples, when the
    engine had every triple in). The database is closed when this returns or raises."""
    store = Store(str(path))
    try:
        _bulk_load_stream(store, ntriples)
        inserted_at = time.perf_counter()
        # Every bulk load writes a layer of files; left as they are, the layers make
        # aggregate queries up to 1.3x slower.
        store.optimize()
        store.flush()
        return len(store), inserted_at
    except BaseException as error:
        # The error's frames hold the store too. Freed, it closes, and RocksDB finishes the
        # compactions it runs in the background, which would otherwise go on writing
        # files into the folder while the caller removes it.
        traceback.clear_frames(error.__traceback__)
        raise
    finally:
        del store


LANES = 2
"""Bulk loaders working side by side, each taking pieces from one queue, so a piece waits
for neither the other loader nor the producer: the full classification loads 1.15x faster
than with one (median of 5 loads each, taking turns, on two cores)."""
AHEAD = 16
"""Pieces of text the producer may be ahead of the engine (a few MB each)."""


def _bulk_load_stream(store: Store, pieces: Iterable[Piece]) -> None:
    """Bulk-load N-Triples ``pieces`` into ``store`` while the caller is still making them.

    Each of :data:`LANES` threads takes pieces from one bounded queue and bulk-loads each as
    a document of its own; the engine parses and indexes without the GIL, so it works on
    every core while the producer computes the next pieces. The engine renames blank nodes
    per document, so a piece must hold every triple of the blank nodes it names.

    One document per piece (a few MB), not one per lane: a bulk loader indexes what it has
    read in batches of up to a million triples, and the engine's work per triple grows with
    the batch. Loading the classification scaled ten times took 16% less time and 19% less
    CPU this way than with one long document per lane (2 loads each, taking turns; the
    full-size classification took the same time).

    :raises StoreError: if the engine refuses the text.
    """
    refused: list[BaseException] = []
    stop = threading.Event()
    queue: Queue[Piece | None] = Queue(maxsize=AHEAD)
    threads = [
        threading.Thread(
            target=_load_pieces, args=(store, queue, stop, refused), name=f"skillgraph-load-{lane}"
        )
        for lane in range(LANES)
    ]
    for thread in threads:
        thread.start()
    try:
        for piece in pieces:
            if stop.is_set():
                break  # the engine refused a piece; its error is raised below
            if isinstance(piece[1], RdfFile) or piece[1]:
                queue.put(piece)
    except BaseException:
        stop.set()  # the producer failed: drop what is queued
        raise
    finally:
        for _ in threads:
            queue.put(None)
        for thread in threads:
            thread.join()
    if refused:
        # Without the loader's frame, which holds the store: see _fill.
        error = refused[0].with_traceback(None)
        if isinstance(error, BundleError):
            raise error
        raise StoreError(f"the store refused the data: {error}") from error


def _load_pieces(
    store: Store, queue: Queue[Piece | None], stop: threading.Event, refused: list[BaseException]
) -> None:
    """A loader thread: bulk-load each queued piece until a ``None``."""
    while (piece := queue.get()) is not None:
        if stop.is_set():
            continue  # take pieces until the end, so the producer never blocks
        source: bytes | RdfFile | None = None
        try:
            graph, source = piece
            if isinstance(source, RdfFile):
                store.bulk_load(path=str(source.path), format=source.format, to_graph=graph)
            else:
                # Lenient: the callers' IRIs were validated by pyoxigraph as they were
                # written and their literals escaped, so checking every IRI again only
                # costs time (4%).
                store.bulk_load(source, format=RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
        except (SyntaxError, ValueError) as error:
            if isinstance(source, RdfFile):  # the user's file: say which, and where
                refused.append(
                    BundleError(f"not valid {source.format.name}: {error}", file=source.path.name)
                )
            else:
                refused.append(error)
            stop.set()
        except BaseException as error:  # raised in the caller's thread
            refused.append(error)
            stop.set()


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


def graph_sizes(store: StoreView) -> dict[str, int]:
    """The store's named graphs and the triples in each (a scan of the store: cache it)."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}  # type: ignore[union-attr]


@dataclass(frozen=True)
class OpenStore:
    """One opened store version with the facts about it that never change."""

    store: Store
    path: Path
    triples: int
    releases: dict[str, Release] = field(default_factory=dict)
    """its releases by name, oldest first (:func:`graph.releases.releases`)"""

    @classmethod
    def of(cls, store: Store, path: Path) -> OpenStore:
        """``store`` (the version at ``path``) with its facts read."""
        return cls(store=store, path=path, triples=len(store), releases=releases(store))

    @functools.cached_property
    def latest(self) -> Release:
        """The newest release: the one answered when none is asked for (found once, not on
        every request)."""
        return list(self.releases.values())[-1]

    def release(self, name: str | None) -> Release:
        """The release ``name`` (the newest for None).

        :raises UnknownReleaseError: if the version has no such release."""
        if name is None:
            return self.latest
        found = self.releases.get(name)
        if found is None:
            raise UnknownReleaseError(name, list(self.releases))
        return found


class LiveStore:
    """The active version of a store directory, reopened when a load publishes a new one.

    Checks the ``active`` link at most once per ``check_every`` seconds, so a request costs
    no file-system call in the common case. Safe to share between threads.

    With ``prepare`` (a server's index building), a new version is opened and prepared in
    a background thread, and requests keep answering from the current version until it is
    ready: no request waits for the indexes of a version it did not ask for. ``retire`` gets
    the previous version's store ``grace`` seconds after the switch, to drop what was kept
    for it. A version
    that cannot be opened is logged and skipped; the current one stays. Without
    ``prepare``, the request that notices a new version opens it.
    """

    def __init__(
        self,
        root: Path,
        *,
        check_every: float = 1.0,
        prepare: Callable[[OpenStore], None] | None = None,
        retire: Callable[[OpenStore], None] | None = None,
        grace: float = 30.0,
    ) -> None:
        self.root = root
        self._check_every = check_every
        self._prepare = prepare
        self._retire = retire
        self._grace = grace
        self._lock = threading.Lock()
        self._current = self._open(active_version(root))
        self._checked_at = time.monotonic()
        self._preparing: Path | None = None
        self._unusable: Path | None = None

    @staticmethod
    def _open(path: Path) -> OpenStore:
        return OpenStore.of(open_read_only(path), path)

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
                if path in (self._current.path, self._unusable):
                    pass
                elif self._prepare is None:
                    self._current = self._open(path)
                elif self._preparing is None:  # one at a time, so versions switch in order
                    self._preparing = path
                    threading.Thread(
                        target=self._switch, args=(path,), name="skillgraph-prepare", daemon=True
                    ).start()
        return self._current

    def _switch(self, path: Path) -> None:
        """Open and prepare ``path``, then answer from it."""
        assert self._prepare is not None
        started = time.monotonic()
        try:
            opened = self._open(path)
        except StoreError as error:
            log.error("not switching to %s: %s", path.name, error)
            with self._lock:
                self._unusable, self._preparing = path, None
            return
        try:
            self._prepare(opened)
        except Exception:  # the requests that need what failed will say so
            log.exception("preparing %s failed; answering from it anyway", path.name)
        with self._lock:
            previous = self._current
            self._current, self._preparing = opened, None
        if self._retire is not None:
            # The requests already on the previous version finish within the grace period;
            # then what was kept for them goes (its indexes are a third of a server's memory).
            retiring = threading.Timer(self._grace, self._retire, args=(previous,))
            retiring.daemon = True
            retiring.start()
        log.info(
            "now serving %s (%s triples), %.1f s after it was noticed",
            path.name,
            f"{opened.triples:,}",
            time.monotonic() - started,
        )


class FixedStore:
    """A store that never changes (an in-memory or test store)."""

    def __init__(self, store: Store, *, path: Path | None = None) -> None:
        self._current = OpenStore.of(store, path or Path(":memory:"))

    def get(self) -> OpenStore:
        """The store to answer this request from."""
        return self._current


T = TypeVar("T")


class PerVersion(Generic[T]):
    """A value built from a store version or one of its releases (say, an index held in
    memory), on first use for each. The two newest versions keep theirs (every release's):
    while a server prepares a new version (see :class:`LiveStore`), requests still answer
    from the previous one. Safe to share between threads."""

    KEEP = 2

    def __init__(self, build: Callable[[StoreView], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._built: tuple[tuple[StoreView, T], ...] = ()  # the newest last; replaced, not changed

    def forget(self, store: StoreView) -> None:
        """Drop the value for ``store`` (a version no request answers from any more)."""
        with self._lock:
            self._built = tuple((s, v) for s, v in self._built if s is not store)

    def put(self, store: StoreView, value: T) -> None:
        """Take ``value`` as the one for ``store`` (built elsewhere)."""
        with self._lock:
            self._add(store, value)

    def peek(self, store: StoreView) -> T | None:
        """The value for ``store`` if it has been built, without building it."""
        for built_for, value in self._built:
            if built_for is store:
                return value
        return None

    def get(self, store: StoreView) -> T:
        """The value for ``store``."""
        for built_for, value in self._built:
            if built_for is store:
                return value
        with self._lock:
            for built_for, value in self._built:
                if built_for is store:
                    return value
            value = self._build(store)
            self._add(store, value)
            return value

    def _add(self, store: StoreView, value: T) -> None:
        """Keep ``value`` for ``store`` and the values of the :data:`KEEP` newest versions."""
        kept = [(s, v) for s, v in self._built if s is not store] + [(store, value)]
        versions: list[Store] = []
        for key, _ in reversed(kept):
            version = _version(key)
            if not any(version is v for v in versions):
                versions.append(version)
        newest = versions[: self.KEEP]
        self._built = tuple(
            (s, v) for s, v in kept if any(_version(s) is version for version in newest)
        )


def _version(store: StoreView) -> Store:
    """The store version ``store`` is, or is a release of."""
    return store.store if isinstance(store, Release) else store
