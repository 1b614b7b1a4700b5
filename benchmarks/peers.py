"""The servers the benchmark starts: ours, Oxigraph's own, Virtuoso and rdflib-endpoint.

Each peer gets the same triples (the dump of our store: as N-Quads in the same named graphs
for Oxigraph's server, which then answers over their union as ours does; as N-Triples in one
graph for the others) and is driven over HTTP
with the same client. Processes are started on free loopback ports and always stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
GRAPH = "https://w3id.org/skillgraph/benchmark"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A server process and how to ask it a SPARQL query."""

    name: str
    url: str  # the SPARQL endpoint
    process: subprocess.Popen[bytes] | None = None
    params: dict[str, str] = field(default_factory=dict)  # sent with every SPARQL request
    log: Path | None = None

    def wait(self, probe: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log}")
            try:
                if httpx.get(probe, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start within {timeout} s; see {self.log}")

    def pids(self) -> list[int]:
        """The server's process and its children (uvicorn workers)."""
        if self.process is None:
            return []
        found = [self.process.pid]
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text().split()
                except OSError:
                    continue
                if int(stat[3]) in found:
                    found.append(int(pid))
        return found

    def rss_mb(self) -> float:
        """Resident memory of the server and its children."""
        return rss_mb(self.pids())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def rss_mb(pids: list[int]) -> float:
    """The resident memory of the processes ``pids``, in MB (those gone count nothing)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _spawn(args: list[str], log: Path, **kwargs: object) -> subprocess.Popen[bytes]:
    handle = open(log, "wb")  # noqa: SIM115 - the child writes to it for its whole life
    process: subprocess.Popen[bytes] = subprocess.Popen(  # type: ignore[call-overload]
        args, stdout=handle, stderr=subprocess.STDOUT, **kwargs
    )
    return process


def start_skillgraph(store: Path, work: Path, *, workers: int = 1, cache_mb: int = 64) -> Server:
    port = free_port()
    log = work / f"skillgraph-w{workers}-c{cache_mb}.log"
    binary = Path(sys.executable).with_name("skillgraph")
    process = _spawn(
        [
            str(binary),
            "serve",
            "--store",
            str(store),
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--cache-mb",
            str(cache_mb),
            "--log-level",
            "warning",
        ],
        log,
    )
    server = Server(
        f"skillgraph (workers={workers}, cache={cache_mb} MB)",
        f"http://127.0.0.1:{port}/sparql",
        process,
        log=log,
    )
    server.wait(f"http://127.0.0.1:{port}/health")
    return server


def start_oxigraph(dump: Path, work: Path) -> Server:
    """Oxigraph's server on the same named graphs as ours (the N-Quads dump beside ``dump``),
    answering over their union as ours does."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    location = work / "oxigraph-store"
    quads = dump.with_suffix(".nq")
    if not location.exists():
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(quads)],
            check=True,
            capture_output=True,
        )
    port = free_port()
    log = work / "oxigraph.log"
    process = _spawn(
        [
            binary,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        log,
    )
    server = Server("Oxigraph server", f"http://127.0.0.1:{port}/query", process, log=log)
    server.wait(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
    return server


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {data}, /usr/share/virtuoso-opensource-7/vad
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 10
; Sized as Virtuoso's own guidance does for a machine with 4 GB to spare.
NumberOfBuffers = 340000
MaxDirtyBuffers = 250000
MaxQueryMem = 2G
[HTTPServer]
ServerPort = {http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
; The defaults cut results at 10,000 rows and queries at a cost estimate: off, so every
; engine answers the same queries in full.
ResultSetMaxRows = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
DefaultGraph = {graph}
"""


def start_virtuoso(dump: Path, work: Path) -> Server:
    binary = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt")
    if binary is None or isql is None:
        raise RuntimeError("Virtuoso is not installed (benchmarks/install.sh installs it)")
    db = work / "virtuoso"
    fresh = not db.exists()
    db.mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            db=db, data=dump.parent, sql_port=sql_port, http_port=http_port, graph=GRAPH
        )
    )
    log = work / "virtuoso.out"
    process = _spawn([binary, "-f", "-c", str(ini)], log, cwd=db)
    server = Server(
        "Virtuoso 7 (Debian)",
        f"http://127.0.0.1:{http_port}/sparql",
        process,
        params={"default-graph-uri": GRAPH},
        log=log,
    )
    server.wait(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D")
    if fresh:
        statements = (
            f"ld_dir('{dump.parent}', '{dump.name}', '{GRAPH}'); rdf_loader_run(); checkpoint;"
        )
        subprocess.run(
            [isql, str(sql_port), "dba", "dba", f"exec={statements}"],
            check=True,
            capture_output=True,
            timeout=1800,
        )
    return server


RDFLIB_SERVER = """
import sys, rdflib, uvicorn
from rdflib_endpoint import SparqlEndpoint
graph = rdflib.Graph()
graph.parse(sys.argv[1], format="nt")
uvicorn.run(SparqlEndpoint(graph=graph, path="/sparql"), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""


def start_rdflib_endpoint(dump: Path, work: Path) -> Server:
    port = free_port()
    log = work / "rdflib-endpoint.log"
    process = _spawn([sys.executable, "-c", RDFLIB_SERVER, str(dump), str(port)], log)
    server = Server("rdflib-endpoint", f"http://127.0.0.1:{port}/sparql", process, log=log)
    server.wait(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=600)
    return server
