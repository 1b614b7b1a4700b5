"""Loading an ESCO bundle into a store: the loaders and the graph wired together.

This is the composition root the CLI and the tests share; ``loaders`` and ``graph`` know
nothing of each other beyond the N-Triples text (and the RDF files) that pass between them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, QuerySolutions, RdfFormat, Store, Triple, serialize

from graph import analytics, prepare, releases
from graph import terms as t
from graph.analytics import broader_transitive_ntriples, derived_ntriples, ontology_quads
from graph.errors import BundleError, StoreError
from graph.releases import release_name
from graph.store import ACTIVE, Piece, RdfFile, active_version, build_store, open_read_only
from loaders import Bundle, LoadReport, attributes, bundle_ntriples, esco_csv, onet, open_bundle
from loaders import bundle as bundle_module
from loaders import datasets as datasets_module
from loaders import sample as sample_package
from loaders.datasets import Dataset

INDEX_PHASE = "indexes and publish"
"""The last phase of a load: writing the servers' indexes and publishing the version."""


@dataclass(frozen=True)
class LoadResult:
    """What a finished load did."""

    report: LoadReport
    """what the files of the newest release loaded held"""
    derived: int
    ontology: int
    triples: int
    """Triples in the new store: a triple the files state twice counts once."""
    version: Path
    seconds: float
    notes: dict[str, str] = field(default_factory=dict)
    """graph IRI -> what a dataset's load found (the O*NET crosswalk's outcomes)"""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds spent reading the files, deriving facts (the all-pairs similarity), finishing
    the insertion (which runs alongside both), compacting the store, and writing the
    servers' indexes (:mod:`graph.prepare`) and publishing the version."""
    reports: dict[str, LoadReport] = field(default_factory=dict)
    """release name -> what its files held, oldest first"""
    kept: dict[str, int] = field(default_factory=dict)
    """graph IRI -> the triples of a graph kept from the previous version (the releases and
    datasets this load did not replace)"""


SOURCES = "skillgraph-sources.json"
"""The file in a version's folder that says what each named graph was loaded from."""


@dataclass(frozen=True)
class ReleaseLoad:
    """One ESCO release a load reads: its name and its files."""

    name: str
    bundle: Bundle


def open_releases(
    sources: Sequence[Path],
    *,
    release: str | None = None,
    language: str | None = None,
    packs: Sequence[Path] = (),
) -> list[ReleaseLoad]:
    """The ESCO downloads at ``sources``, each named by its release
    (:func:`graph.releases.release_name`; ``release`` names the only one), oldest first.
    ``packs`` go with the newest.

    :raises BundleError: if a download cannot be read, two are of one release, or one of
        several does not say which release it is.
    """
    named: list[tuple[str, Path]] = []
    for path in sources:
        name = release if release is not None and len(sources) == 1 else release_name(path)
        if name is None and path.resolve() == sample_path().resolve():
            name = SAMPLE_RELEASE
        if name is None:
            if len(sources) > 1:
                raise BundleError(
                    f"{path} does not say which release it is (its zips or folder are "
                    "named like 'ESCO dataset - v1.2.0 - ...' or 'esco-v1.2.0'): rename it, "
                    "or load it alone with --release"
                )
            name = releases.UNNAMED
        try:
            releases.check_name(name)
        except ValueError as error:
            raise BundleError(str(error)) from None
        for other, other_path in named:
            if other == name:
                raise BundleError(f"{other_path} and {path} are both release {name}: load one")
        named.append((name, path))
    named.sort(key=lambda item: releases.order(item[0]))
    newest = len(named) - 1
    return [
        ReleaseLoad(
            name,
            open_bundle(path, language=language, packs=packs if i == newest else ()),
        )
        for i, (name, path) in enumerate(named)
    ]


def load_bundle(
    source: Path | Sequence[Path],
    store_root: Path,
    *,
    datasets: Sequence[Dataset] = (),
    packs: Sequence[Path] = (),
    language: str | None = None,
    release: str | None = None,
    fresh: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
    on_indexes: Callable[[], None] | None = None,
) -> LoadResult:
    """Load the ESCO download at ``source`` (or several, one a release) as a new version of
    the store at ``store_root``.

    Each release goes into its own graphs (:mod:`graph.releases`), named by the release its
    files say they are, or ``release`` for a single download, else
    :data:`graph.releases.UNNAMED`. The releases and datasets of the store's active version
    that this load does not replace are kept (unless ``fresh``): a load adds a release, or
    replaces the one of the same name.

    ``datasets`` are loaded beside ESCO, each into its named graph (:mod:`loaders.datasets`),
    and serve every release (the O*NET crosswalk and the attributes inherit down the newest
    release's hierarchy). ``packs`` are folders or zips of ESCO label files in more
    languages; they add labels and descriptions to the newest release, as do the other
    languages of each download's own folder (``language`` picks the main one when a folder
    holds several complete ones).
    All or nothing: the new version becomes active only once complete; on any error the
    previously active version stays as it was. ``on_start`` gets the number of bytes to
    read and ``on_bytes`` each chunk read, for a progress bar; ``on_indexes`` is called when
    the store is written and the servers' indexes are next.

    :raises BundleError: if the bundle cannot be loaded (with file, line and reason).
    :raises StoreError: if the store directory cannot take a new version.
    """
    started = time.perf_counter()
    datasets_module.check(list(datasets))
    sources = [source] if isinstance(source, Path) else list(source)
    loads = open_releases(sources, release=release, language=language, packs=packs)
    previous = None if fresh else _previous(store_root)
    if on_start is not None:
        on_start(sum(r.bundle.total_bytes for r in loads))
    schema = ontology_quads()
    scratch = tempfile.TemporaryDirectory(prefix="skillgraph-kept-")
    text = _LoadText(
        loads,
        schema,
        datasets=datasets,
        on_bytes=on_bytes,
        previous=previous,
        scratch=Path(scratch.name),
    )

    # The version's indexes are written before it is published, so that a server
    # switches to it within a second or two instead of building them under traffic.
    def write_indexes(version: Path) -> None:
        if on_indexes is not None:
            on_indexes()
        reused = _reuse_indexes(previous, version, text.kept) if not datasets else []
        prepare.write(version, skip=reused)
        _write_sources(version, loads, datasets, text.notes, previous, text.kept)

    with scratch:
        built = build_store(store_root, text.pieces(), prepare=write_indexes)
    seconds = time.perf_counter() - started
    phases = {name: at - started for name, at in text.ends.items()}
    phases["derive"] -= phases["files"]
    phases["finish inserting"] = built.inserted_at - started - sum(phases.values())
    phases["compact"] = built.written_at - started - sum(phases.values())
    phases[INDEX_PHASE] = seconds - sum(phases.values())
    return LoadResult(
        report=text.reports[loads[-1].name],
        derived=text.derived,
        ontology=len(schema),
        triples=built.triples,
        version=built.path,
        seconds=seconds,
        notes=text.notes,
        phases=phases,
        reports=text.reports,
        kept=text.kept,
    )


def _reuse_indexes(previous: Path | None, version: Path, kept: dict[str, int]) -> list[str]:
    """The releases kept whole from ``previous`` whose index files are linked into
    ``version`` as they are: a load that brings no dataset changes nothing a kept release's
    indexes are made of (its graphs, the datasets; the model is the same file). A file made
    by other code is refused when read, and built then (:func:`graph.prepare.read`)."""
    if previous is None:
        return []
    reused = []
    for graph in kept:  # a kept release is its two graphs, kept
        release = graph.removeprefix(releases.ESCO_BASE)
        source = previous / prepare.index_file(release)
        if (
            graph.startswith(releases.ESCO_BASE)
            and releases.derived_graph(release).value in kept
            and source.is_file()
        ):
            target = version / prepare.index_file(release)
            try:
                os.link(source, target)  # the file is never written again
            except OSError:
                shutil.copyfile(source, target)
            reused.append(release)
    return reused


def _previous(store_root: Path) -> Path | None:
    """The active version of ``store_root`` whose graphs a load may keep: None when there is
    none, or it does not describe its releases (a store of an older skillgraph, or a bare
    Oxigraph store: a load replaces all of it, as loads did before releases)."""
    try:
        path = active_version(store_root)
    except StoreError:
        return None
    if path == store_root:  # a bare Oxigraph store is never loaded into
        return None
    store = open_read_only(path)
    try:
        return path if releases.described(store) else None
    finally:
        del store


def _write_sources(
    version: Path,
    loads: Sequence[ReleaseLoad],
    datasets: Sequence[Dataset],
    notes: dict[str, str],
    previous: Path | None,
    kept: dict[str, int],
) -> None:
    entries: list[dict[str, object]] = []
    if previous is not None:  # what the kept graphs were loaded from
        entries += [e for g, e in sources(previous).items() if g in kept]
    for load in loads:
        bundle = load.bundle
        entries.append(
            {
                "graph": releases.esco_graph(load.name).value,
                "release": load.name,
                "source": str(bundle.source.resolve()),
                "kind": "ESCO CSV download",
                "language": bundle.language,
                "languages": [
                    {"language": bundle.language, "source": str(bundle.source.resolve())},
                    *(
                        {"language": pack.language, "source": str(pack.source.resolve())}
                        for pack in bundle.packs
                    ),
                ],
            }
        )
        entries.append(
            {
                "graph": releases.derived_graph(load.name).value,
                "release": load.name,
                "source": "skillgraph",
                "kind": "derived facts",
            }
        )
    entries.append({"graph": t.MODEL_GRAPH.value, "source": "ontology/esco.ttl", "kind": "model"})
    for d in datasets:
        entry: dict[str, object] = {"graph": d.graph.value, "source": str(d.path.resolve())}
        entry["kind"] = d.kind
        if d.graph.value in notes:
            entry["note"] = notes[d.graph.value]
        entries.append(entry)
    (version / SOURCES).write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")


def sources(version: Path) -> dict[str, dict[str, Any]]:
    """What each named graph of a store version was loaded from (none for a bare store)."""
    try:
        entries = json.loads((version / SOURCES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {entry["graph"]: entry for entry in entries}


def load_text(
    source: Path, *, language: str | None = None, packs: Sequence[Path] = ()
) -> list[Piece]:
    """The whole text :func:`load_bundle` gives the engine for ``source``, in the same pieces:
    loading it with :func:`graph.store.build_store` is the same load without its Python work
    (the benchmark's baseline for growth)."""
    loads = open_releases([source], language=language, packs=packs)
    return list(_LoadText(loads, ontology_quads()).pieces())


class _LoadText:
    """The N-Triples text of a load in pieces, each with its named graph: the model, each
    release's files and the facts derived from them, the datasets beside them (an RDF file
    as itself, for the engine to stream), and the graphs kept from the previous version.
    Notes when each phase ended and how many derived triples it wrote."""

    def __init__(
        self,
        loads: Sequence[ReleaseLoad],
        schema: list[Quad],
        *,
        datasets: Sequence[Dataset] = (),
        on_bytes: Callable[[int], None] | None = None,
        previous: Path | None = None,
        scratch: Path | None = None,
    ) -> None:
        self.loads, self.schema, self.on_bytes = loads, schema, on_bytes
        self.datasets = datasets
        self.previous = previous
        self.scratch = scratch
        """where the kept graphs are written for the engine to load back"""
        self.reports: dict[str, LoadReport] = {load.name: LoadReport() for load in loads}
        self.notes: dict[str, str] = {}
        """graph IRI -> what a dataset's load found (the O*NET crosswalk's outcomes)"""
        self.kept: dict[str, int] = {}
        """graph IRI -> triples kept from the previous version"""
        self.derived = 0
        self.ends: dict[str, float] = {"files": 0.0, "derive": 0.0}
        """phase -> seconds its text took to make (summed over the releases)"""

    def pieces(self) -> Iterator[Piece]:
        # The engine inserts this text while it is being made (graph.store.build_store):
        # every phase here overlaps the insertion. Each dataset goes to its named graph.
        began = time.perf_counter()
        yield t.MODEL_GRAPH, _text(self.schema)
        for load in self.loads:  # the newest last: the datasets need its hierarchy
            yield from self._release(load)
        facts = self.reports[self.loads[-1].name].facts
        at = time.perf_counter()
        for dataset in self.datasets:
            if dataset.rdf_format is not None:  # the engine streams the file itself
                yield dataset.graph, RdfFile(dataset.path, dataset.rdf_format)
            elif dataset.onet:  # after the bundle: the crosswalk needs its hierarchy
                found = onet.OnetReport()
                for text in onet.onet_ntriples(dataset.path, facts, found):
                    yield dataset.graph, text.encode()
                self.notes[dataset.graph.value] = found.summary()
            elif dataset.attributes:  # after the bundle: values are inherited down its hierarchy
                read = attributes.AttributesReport()
                for text in attributes.attributes_ntriples(dataset.path, facts, read):
                    yield dataset.graph, text.encode()
                self.notes[dataset.graph.value] = read.summary()
            else:
                for text in datasets_module.mapping_ntriples(dataset):
                    yield dataset.graph, text.encode()
        if self.previous is not None:
            yield from self._kept(self.previous)
        self.ends["files"] += time.perf_counter() - at
        # The phases as moments after the start, as the caller reads them.
        self.ends = {"files": began + self.ends["files"], "derive": began + sum(self.ends.values())}

    def _release(self, load: ReleaseLoad) -> Iterator[Piece]:
        report = self.reports[load.name]
        esco, derived_graph = releases.esco_graph(load.name), releases.derived_graph(load.name)
        at = time.perf_counter()
        for text in bundle_ntriples(load.bundle, report, on_bytes=self.on_bytes):
            yield esco, text.encode()
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        description = releases.description_ntriples(load.name, load.bundle.languages, created)
        self.derived += description.count("\n")
        yield derived_graph, description.encode()
        self.ends["files"] += time.perf_counter() - at
        at = time.perf_counter()
        # Every derived line is a triple the files do not state, so counting the lines
        # counts what they add (no need to count the whole store twice). The official RDF
        # materialises skos:broaderTransitive, so it goes with the classification.
        derived = itertools.chain(
            ((derived_graph, text) for text in derived_ntriples(report.facts)),
            ((esco, text) for text in broader_transitive_ntriples(report.facts)),
        )
        for graph, text in derived:
            self.derived += text.count("\n")
            yield graph, text.encode()
        self.ends["derive"] += time.perf_counter() - at

    def _kept(self, path: Path) -> Iterator[Piece]:
        """The graphs of the version at ``path`` that this load does not replace: the other
        releases and datasets (the model is written afresh). The engine writes each to an
        N-Triples file of :attr:`scratch` and bulk-loads it back (a whole graph is one
        document, so its blank nodes stay its own)."""
        assert self.scratch is not None
        replaced = {t.MODEL_GRAPH.value}
        replaced |= {d.graph.value for d in self.datasets}
        for load in self.loads:
            replaced |= {releases.esco_graph(load.name).value}
            replaced |= {releases.derived_graph(load.name).value}
        store = open_read_only(path)
        try:
            graphs = sorted(
                (g for g in store.named_graphs() if isinstance(g, NamedNode)),
                key=lambda g: g.value,
            )
            for number, graph in enumerate(g for g in graphs if g.value not in replaced):
                file = self.scratch / f"kept-{number}.nt"
                store.dump(file, format=RdfFormat.N_TRIPLES, from_graph=graph)
                self.kept[graph.value] = _size(store, graph)
                yield graph, RdfFile(file, RdfFormat.N_TRIPLES)
        finally:
            del store


def _size(store: Store, graph: NamedNode) -> int:
    """How many triples ``graph`` of ``store`` holds (counted by the engine)."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {t.nt(graph)} {{ ?s ?p ?o }} }}")
    assert isinstance(rows, QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _text(statements: Sequence[Quad] | Sequence[Triple]) -> bytes:
    text = serialize(statements, format=RdfFormat.N_TRIPLES)
    assert text is not None  # serialize returns the text when given no output
    return text


def default_store() -> Path:
    """Where ``skillgraph load`` puts the store when given no ``--store``:
    ``$XDG_DATA_HOME/skillgraph/store`` (``~/.local/share/skillgraph/store``)."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "skillgraph" / "store"


SAMPLE_RELEASE = sample_package.RELEASE


def sample_path() -> Path:
    """The folder of the bundled ESCO sample (CSV files in the official layout)."""
    return Path(str(resources.files("loaders.sample")))


def sample_onet_path() -> Path:
    """The folder of the bundled O*NET sample: the O*NET data of the ESCO sample's occupations."""
    return Path(str(resources.files("loaders.sample_onet")))


def sample_attributes_path() -> Path:
    """The bundled attributes table: the preparation and earnings of the ESCO sample's
    occupations (Nesta's Mapping Career Causeways)."""
    return Path(str(resources.files("loaders.sample_attributes"))) / "career-causeways.csv"


def sample_datasets() -> list[Dataset]:
    """What the sample store loads beside the ESCO sample: the O*NET sample, in the graph a
    load of O*NET's own folder gets (``…/graph/onet``), and the attributes sample
    (``…/graph/career-causeways``)."""
    return [
        datasets_module.parse(str(sample_onet_path())),
        datasets_module.parse(str(sample_attributes_path())),
    ]


def sample_store(cache_dir: Path | None = None) -> Path:
    """A store of the bundled sample (ESCO, the O*NET and attributes samples), built on first
    use and cached.

    The cache key covers the sample files, the ontology, the named queries and the code
    that writes the triples (the loaders, the derived facts, this pipeline), so a change to
    any of them builds a fresh store.
    """
    root = cache_dir or Path(
        os.environ.get("SKILLGRAPH_CACHE") or Path.home() / ".cache" / "skillgraph"
    )
    digest = hashlib.sha256()
    for package, suffix in (
        ("loaders.sample", ".csv"),
        ("loaders.sample_onet", ".csv"),
        ("loaders.sample_attributes", ".csv"),
        ("ontology", ".ttl"),
        ("queries", ".rq"),
    ):
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(suffix):
                digest.update(entry.name.encode())
                digest.update(entry.read_bytes())
    for module in (
        esco_csv,
        bundle_module,
        onet,
        attributes,
        datasets_module,
        analytics,
        sys.modules[__name__],
    ):
        digest.update(Path(module.__file__ or "").read_bytes())
    store_root = root / f"sample-{digest.hexdigest()[:12]}"
    if (store_root / ACTIVE).exists():
        active_version(store_root)  # raises if damaged
        return store_root
    load_bundle(sample_path(), store_root, datasets=sample_datasets())
    return store_root
