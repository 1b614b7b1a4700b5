"""A store version's in-memory indexes: built by the load, kept beside the version.

The indexes of a version (:class:`graph.version.Indexes`) take several seconds to read from
the full classification. A server switching to a new version used to build them while
answering from the old one: under steady traffic that took 10-17 s, sharing two cores with
the requests. So the load builds them once, after the store is written and before the
version is published, and writes them into the version's folder (:data:`INDEX_FILE`). A
server switching to the version, or starting on it, reads them; only a version without
them (a bare Oxigraph store, or one written by an older skillgraph) has them built, in a
process of its own::

    python -m graph.prepare VERSION_DIR RELEASE OUT_FILE    # writes the index file to OUT_FILE

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
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from graph import indexfile, queries, releases, terms, version
from graph.errors import StoreError
from graph.store import active_version, open_read_only
from graph.version import Indexes

log = logging.getLogger("skillgraph.prepare")

INDEX_FILE = "skillgraph-indexes-{release}.npz"
"""The indexes of each release of a version, in its folder (RocksDB leaves files it does not
know alone)."""


def index_file(release: str) -> str:
    """The name of the index file of ``release`` in a version's folder."""
    return INDEX_FILE.format(release=release)


def _fingerprint() -> str:
    """The code that makes and reads the indexes: the modules of every class an index file
    may hold (so a new index is counted in once it is listed there), the file format, the
    vocabulary and the query runner, the named queries, and the versions of Python and the
    libraries whose objects it holds."""
    digest = hashlib.sha256()
    modules = {sys.modules[kind.__module__] for kind in indexfile.classes().values()}
    modules |= {indexfile, version, terms, queries, releases}
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


def build(path: Path, release: str) -> Indexes:
    """The indexes of ``release`` of the store version at ``path``, read from it.

    :raises StoreError: if the version has no such release."""
    store = open_read_only(path)
    found = releases.releases(store)
    if release not in found:
        raise StoreError(f"{path.name} has no release {release!r}")
    return Indexes.build(found[release])


def write(
    path: Path, *, to: Path | None = None, release: str | None = None, skip: Sequence[str] = ()
) -> None:
    """Build the indexes of every release of the (closed) store at ``path`` but those in
    ``skip`` and write them into its folder; or those of ``release`` to the file ``to``."""
    store = open_read_only(path)
    for name, view in releases.releases(store).items():
        if (release is None and name not in skip) or name == release:
            out = to if to is not None else path / index_file(name)
            indexfile.write(out, Indexes.build(view), fingerprint=FINGERPRINT)


def read(path: Path, release: str, *, strings: dict[str, str] | None = None) -> Indexes | None:
    """The indexes of ``release`` the load wrote into the version at ``path``; None when it
    has none, or they cannot be used (then the caller builds them). ``strings``: a table of
    the strings read so far, to share with the indexes read before (see
    :meth:`graph.catalog.Catalog.prepare`)."""
    try:
        indexes = indexfile.read(
            path / index_file(release), fingerprint=FINGERPRINT, strings=strings
        )
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


def newest(root: Path) -> Indexes:
    """The indexes of the newest release of the active version of the store at ``root``
    (what a server answers from by default): those the load wrote, else built here."""
    path = active_version(root)
    name = list(releases.releases(open_read_only(path)))[-1]
    return read(path, name) or build(path, name)


def build_apart(path: Path, release: str, *, timeout: float = 300) -> Indexes:
    """:func:`build`, run in a child process, so that a server under traffic does not
    share its interpreter lock with the work. The child writes an index file, which this
    process reads (the version's folder may not be writable by the server).

    :raises StoreError: if the child fails (its standard error says why).
    """
    with tempfile.TemporaryDirectory(prefix="skillgraph-indexes-") as scratch:
        out = Path(scratch) / index_file("apart")
        try:
            subprocess.run(
                [sys.executable, "-m", "graph.prepare", str(path), release, str(out)],
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
    """Write the index file of the version and release named on the command line to the
    file named."""
    write(Path(sys.argv[1]), release=sys.argv[2], to=Path(sys.argv[3]))


if __name__ == "__main__":
    main()
