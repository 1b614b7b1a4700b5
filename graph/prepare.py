"""A store version's in-memory indexes: built by the load, kept beside the version.

The indexes of a version (:class:`graph.version.Indexes`) take several seconds to read from
the full classification. A server switching to a new version used to build them while
answering from the old one: under steady traffic that took 10-17 s, sharing two cores with
the requests. So the load builds them once, after the store is written and before the
version is published, and writes them into the version's folder (:data:`INDEX_FILE`). A
server switching to the version, or starting on it, reads them; only a version without
them (a bare Oxigraph store, or one written by an older skillgraph) has them built, in a
process of its own::

    python -m graph.prepare VERSION_DIR OUT_FILE    # writes the index file to OUT_FILE

The file holds arrays and JSON only (:mod:`graph.indexfile`): reading it cannot run code,
whoever wrote the folder. It names the code that made it (a fingerprint of the index
modules, the named queries, Python's and the libraries' versions); a file made by other
code, one that cannot be read, or one whose indexes fail :meth:`Indexes.check` is ignored
and the indexes are built afresh.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import tempfile
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from graph import indexfile, queries, terms, version
from graph.errors import StoreError
from graph.store import open_read_only
from graph.version import Indexes

log = logging.getLogger("skillgraph.prepare")

INDEX_FILE = "skillgraph-indexes.npz"
"""The indexes of a version, in its folder (RocksDB leaves files it does not know alone)."""


def _fingerprint() -> str:
    """The code that makes and reads the indexes: the modules of every class an index file
    may hold (so a new index is counted in once it is listed there), the file format, the
    vocabulary and the query runner, the named queries, and the versions of Python and the
    libraries whose objects it holds."""
    digest = hashlib.sha256()
    modules = {sys.modules[kind.__module__] for kind in indexfile.classes().values()}
    modules |= {indexfile, version, terms, queries}
    for module in sorted(modules, key=lambda m: m.__name__):
        if module.__name__.startswith("graph."):
            digest.update(Path(module.__file__ or "").read_bytes())
    for entry in sorted(resources.files("queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            digest.update(entry.name.encode() + entry.read_bytes())
    digest.update(f"{sys.version_info[:2]} numpy {np.__version__}".encode())
    for library in ("bm25s", "PyStemmer", "rapidfuzz"):
        digest.update(f"{library} {metadata.version(library)}".encode())
    return digest.hexdigest()


FINGERPRINT = _fingerprint()


def build(path: Path) -> Indexes:
    """The indexes of the store version at ``path``, read from it."""
    return Indexes.build(open_read_only(path))


def write(path: Path, *, to: Path | None = None) -> None:
    """Build the indexes of the (closed) store at ``path`` and write them into its folder
    (or to the file ``to``)."""
    indexfile.write(to or path / INDEX_FILE, build(path), fingerprint=FINGERPRINT)


def read(path: Path) -> Indexes | None:
    """The indexes the load wrote into the version at ``path``; None when it has none, or
    they cannot be used (then the caller builds them)."""
    try:
        indexes = indexfile.read(path / INDEX_FILE, fingerprint=FINGERPRINT)
    except FileNotFoundError:
        return None
    except indexfile.IndexFileError as error:
        log.warning("the indexes in %s cannot be used (%s); building them", path.name, error)
        return None
    if not isinstance(indexes, Indexes):
        log.warning("the index file in %s holds no indexes; building them", path.name)
        return None
    try:
        indexes.check()
    except Exception as error:  # anything at all: the file is data of unknown shape
        log.warning("the indexes in %s are damaged (%r); building them", path.name, error)
        return None
    return indexes


def build_apart(path: Path, *, timeout: float = 300) -> Indexes:
    """:func:`build`, run in a child process, so that a server under traffic does not
    share its interpreter lock with the work. The child writes an index file, which this
    process reads (the version's folder may not be writable by the server).

    :raises StoreError: if the child fails (its standard error says why).
    """
    with tempfile.TemporaryDirectory(prefix="skillgraph-indexes-") as scratch:
        out = Path(scratch) / INDEX_FILE
        try:
            subprocess.run(
                [sys.executable, "-m", "graph.prepare", str(path), str(out)],
                capture_output=True,
                check=True,
                timeout=timeout,
            )
            indexes = indexfile.read(out, fingerprint=FINGERPRINT)
        except (
            subprocess.CalledProcessError,
            subprocess.TimeoutExpired,
            OSError,
            indexfile.IndexFileError,
        ) as error:
            stderr = getattr(error, "stderr", b"") or b""
            reason = stderr.decode(errors="replace").strip().splitlines()[-1:] or [str(error)]
            raise StoreError(f"building the indexes of {path.name} failed: {reason[0]}") from error
    if not isinstance(indexes, Indexes):
        raise StoreError(f"building the indexes of {path.name} failed: no indexes written")
    return indexes


def main() -> None:
    """Write the index file of the version named on the command line to the file named."""
    write(Path(sys.argv[1]), to=Path(sys.argv[2]))


if __name__ == "__main__":
    main()
