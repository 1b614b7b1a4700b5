"""Building a store version's in-memory indexes in a process of its own.

A server switching to a new version builds its label and career indexes (about 4 s on the
full classification) while it goes on answering from the old one. In the server's process
that work shares one interpreter lock with every request thread, and under steady traffic
it took 54 s. Here it runs beside the server on a core of its own, and the server only
unpickles the result (0.3 s)::

    python -m graph.prepare VERSION_DIR    # the pickled indexes on standard output
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from graph.careers import CareerIndex
from graph.errors import StoreError
from graph.queries import QueryRunner
from graph.search import LabelIndex
from graph.store import open_read_only

Indexes = tuple[LabelIndex, CareerIndex]


def build(path: Path) -> Indexes:
    """The indexes of the store version at ``path``."""
    store = open_read_only(path)
    runner = QueryRunner()
    return LabelIndex.build(store, runner), CareerIndex.build(store, runner)


def build_apart(path: Path, *, timeout: float = 300) -> Indexes:
    """:func:`build`, run in a child process.

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
