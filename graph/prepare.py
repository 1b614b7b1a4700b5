"""A store version's in-memory indexes: built by the load, kept beside the version.

The label, career and suggestion indexes (:mod:`graph.search`, :mod:`graph.careers`,
:mod:`graph.suggest`) take about 5 s to read from the full classification. A server
switching to a new version used to build them while answering from the old one: under
steady traffic that took 10-17 s, sharing two cores with the requests. So the load builds
them once, after the store is written and before the version is published, and writes
them into the version's folder (:data:`INDEX_FILE`). A server switching to the version, or
starting on it, reads them (0.3 s); only a version without them (a bare Oxigraph store, or
one written by an older skillgraph) has them built, in a process of its own::

    python -m graph.prepare VERSION_DIR    # the pickled indexes on standard output

The file is a pickle, so the store directory must be writable only by whoever runs the
server (as for the data it serves). It starts with a fingerprint of the code that made it:
the index classes, the named queries, Python's and numpy's versions. A file whose
fingerprint is not this code's is ignored and the indexes are built afresh.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from graph import careers, languages, ranking, search, suggest
from graph.careers import CareerIndex
from graph.errors import StoreError
from graph.languages import Translations
from graph.queries import QueryRunner
from graph.search import LabelIndex
from graph.store import open_read_only
from graph.suggest import Suggester

log = logging.getLogger("skillgraph.prepare")

Indexes = tuple[LabelIndex, CareerIndex, Suggester, Translations]

INDEX_FILE = "skillgraph-indexes.pickle"
"""The indexes of a version, in its folder (RocksDB leaves files it does not know alone)."""


def _fingerprint() -> bytes:
    digest = hashlib.sha256()
    for module in (search, careers, suggest, ranking, languages):
        digest.update(Path(module.__file__ or "").read_bytes())
    for entry in sorted(resources.files("queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            digest.update(entry.name.encode() + entry.read_bytes())
    digest.update(f"{sys.version_info[:2]} numpy {np.__version__}".encode())
    for library in ("bm25s", "PyStemmer", "rapidfuzz"):
        digest.update(f"{library} {metadata.version(library)}".encode())
    return digest.hexdigest().encode()


FINGERPRINT = _fingerprint()


def build(path: Path) -> Indexes:
    """The indexes of the store version at ``path``, read from it."""
    store = open_read_only(path)
    runner = QueryRunner()
    labels, careers = LabelIndex.build(store, runner), CareerIndex.build(store, runner)
    return labels, careers, suggest.build(labels, careers), Translations.build(store, runner)


def write(path: Path) -> None:
    """Build the indexes of the (closed) store at ``path`` and write them into its folder."""
    data = pickle.dumps(build(path), protocol=5)
    partial = path / (INDEX_FILE + ".partial")
    with partial.open("wb") as out:
        out.write(FINGERPRINT + b"\n")
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.rename(path / INDEX_FILE)


def read(path: Path) -> Indexes | None:
    """The indexes the load wrote into the version at ``path``; None when it has none, or
    they were made by other code (then the caller builds them)."""
    try:
        with (path / INDEX_FILE).open("rb") as data:
            if data.readline().rstrip(b"\n") != FINGERPRINT:
                log.info("the indexes in %s were made by other code; building them", path.name)
                return None
            indexes: Indexes = pickle.load(data)  # written by write() above, see the module
    except FileNotFoundError:
        return None
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        ValueError,
    ) as error:
        log.warning("the indexes in %s cannot be read (%s); building them", path.name, error)
        return None
    return indexes


def build_apart(path: Path, *, timeout: float = 300) -> Indexes:
    """:func:`build`, run in a child process, so that a server under traffic does not
    share its interpreter lock with the work.

    :raises StoreError: if the child fails (its standard error says why).
    """
    try:
        done = subprocess.run(
            [sys.executable, "-m", "graph.prepare", str(path)],
            capture_output=True,
            check=True,
            timeout=timeout,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        stderr = getattr(error, "stderr", b"") or b""
        reason = stderr.decode(errors="replace").strip().splitlines()[-1:] or [str(error)]
        raise StoreError(f"building the indexes of {path.name} failed: {reason[0]}") from error
    indexes: Indexes = pickle.loads(done.stdout)  # our own child's output
    return indexes


def main() -> None:
    """Write the pickled indexes of the version named on the command line."""
    sys.stdout.buffer.write(pickle.dumps(build(Path(sys.argv[1])), protocol=5))


if __name__ == "__main__":
    main()
