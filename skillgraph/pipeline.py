"""Loading an ESCO bundle into a store: the loaders and the graph wired together.

This is the composition root the CLI and the tests share; ``loaders`` and ``graph`` know
nothing of each other beyond the N-Triples text (and the RDF files) that pass between them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pyoxigraph import Quad, RdfFormat, serialize

from graph import analytics, prepare
from graph import terms as t
from graph.analytics import broader_transitive_ntriples, derived_ntriples, ontology_quads
from graph.store import ACTIVE, Piece, RdfFile, active_version, build_store
from loaders import Bundle, LoadReport, attributes, bundle_ntriples, esco_csv, onet, open_bundle
from loaders import bundle as bundle_module
from loaders import datasets as datasets_module
from loaders.datasets import Dataset

INDEX_PHASE = "indexes and publish"
"""The last phase of a load: writing the servers' indexes and publishing the version."""


@dataclass(frozen=True)
class LoadResult:
    """What a finished load did."""

    report: LoadReport
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


SOURCES = "skillgraph-sources.json"
"""The file in a version's folder that says what each named graph was loaded from."""


def load_bundle(
    source: Path,
    store_root: Path,
    *,
    datasets: Sequence[Dataset] = (),
    packs: Sequence[Path] = (),
    language: str | None = None,
    on_start: Callable[[int], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
    on_indexes: Callable[[], None] | None = None,
) -> LoadResult:
    """Load the ESCO download at ``source`` as a new version of the store at ``store_root``.

    ``datasets`` are loaded beside ESCO, each into its named graph (:mod:`loaders.datasets`).
    ``packs`` are folders or zips of ESCO label files in more languages; they add labels and
    descriptions to the ESCO graph, as do the other languages of the bundle's own folder
    (``language`` picks the main one when the folder holds several complete ones).
    All or nothing: the new version becomes active only once complete; on any error the
    previously active version stays as it was. ``on_start`` gets the number of bytes to
    read and ``on_bytes`` each chunk read, for a progress bar; ``on_indexes`` is called when
    the store is written and the servers' indexes are next.

    :raises BundleError: if the bundle cannot be loaded (with file, line and reason).
    :raises StoreError: if the store directory cannot take a new version.
    """
    started = time.perf_counter()
    datasets_module.check(list(datasets))
    bundle = open_bundle(source, language=language, packs=packs)
    if on_start is not None:
        on_start(bundle.total_bytes)
    report = LoadReport()
    schema = ontology_quads()
    text = _LoadText(bundle, report, schema, datasets=datasets, on_bytes=on_bytes)

    # The version's indexes are written before it is published, so that a server
    # switches to it within a second or two instead of building them under traffic.
    def write_indexes(version: Path) -> None:
        if on_indexes is not None:
            on_indexes()
        prepare.write(version)
        _write_sources(version, bundle, datasets, text.notes)

    built = build_store(store_root, text.pieces(), prepare=write_indexes)
    seconds = time.perf_counter() - started
    phases = {name: at - started for name, at in text.ends.items()}
    phases["derive"] -= phases["files"]
    phases["finish inserting"] = built.inserted_at - started - sum(phases.values())
    phases["compact"] = built.written_at - started - sum(phases.values())
    phases[INDEX_PHASE] = seconds - sum(phases.values())
    return LoadResult(
        report=report,
        derived=text.derived,
        ontology=len(schema),
        triples=built.triples,
        version=built.path,
        seconds=seconds,
        notes=text.notes,
        phases=phases,
    )


def _write_sources(
    version: Path, bundle: Bundle, datasets: Sequence[Dataset], notes: dict[str, str]
) -> None:
    entries: list[dict[str, object]] = [
        {
            "graph": t.ESCO_GRAPH.value,
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
        },
        {"graph": t.DERIVED_GRAPH.value, "source": "skillgraph", "kind": "derived facts"},
        {"graph": t.MODEL_GRAPH.value, "source": "ontology/esco.ttl", "kind": "model"},
    ]
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
    bundle = open_bundle(source, language=language, packs=packs)
    return list(_LoadText(bundle, LoadReport(), ontology_quads()).pieces())


class _LoadText:
    """The N-Triples text of a load in pieces, each with its named graph: the model, the
    ESCO files, the datasets beside them (an RDF file as itself, for the engine to stream),
    the facts derived from the files. Notes when each phase ended and how many derived
    triples it wrote."""

    def __init__(
        self,
        bundle: Bundle,
        report: LoadReport,
        schema: list[Quad],
        *,
        datasets: Sequence[Dataset] = (),
        on_bytes: Callable[[int], None] | None = None,
    ) -> None:
        self.bundle, self.report, self.schema, self.on_bytes = bundle, report, schema, on_bytes
        self.datasets = datasets
        self.notes: dict[str, str] = {}
        """graph IRI -> what a dataset's load found (the O*NET crosswalk's outcomes)"""
        self.derived = 0
        self.ends: dict[str, float] = {}
        """phase -> ``time.perf_counter()`` when its text was all made"""

    def pieces(self) -> Iterator[Piece]:
        # The engine inserts this text while it is being made (graph.store.build_store):
        # every phase here overlaps the insertion. Each dataset goes to its named graph.
        yield t.MODEL_GRAPH, _text(self.schema)
        for text in bundle_ntriples(self.bundle, self.report, on_bytes=self.on_bytes):
            yield t.ESCO_GRAPH, text.encode()
        for dataset in self.datasets:
            if dataset.rdf_format is not None:  # the engine streams the file itself
                yield dataset.graph, RdfFile(dataset.path, dataset.rdf_format)
            elif dataset.onet:  # after the bundle: the crosswalk needs its hierarchy
                found = onet.OnetReport()
                for text in onet.onet_ntriples(dataset.path, self.report.facts, found):
                    yield dataset.graph, text.encode()
                self.notes[dataset.graph.value] = found.summary()
            elif dataset.attributes:  # after the bundle: values are inherited down its hierarchy
                read = attributes.AttributesReport()
                for text in attributes.attributes_ntriples(dataset.path, self.report.facts, read):
                    yield dataset.graph, text.encode()
                self.notes[dataset.graph.value] = read.summary()
            else:
                for text in datasets_module.mapping_ntriples(dataset):
                    yield dataset.graph, text.encode()
        languages = _language_ntriples(self.bundle.languages)
        self.derived += languages.count(b"\n")
        yield t.DERIVED_GRAPH, languages
        self.ends["files"] = time.perf_counter()
        # Every derived line is a triple the files do not state, so counting the lines
        # counts what they add (no need to count the whole store twice). The official RDF
        # materialises skos:broaderTransitive, so it goes with the classification.
        facts = self.report.facts
        derived = itertools.chain(
            ((t.DERIVED_GRAPH, text) for text in derived_ntriples(facts)),
            ((t.ESCO_GRAPH, text) for text in broader_transitive_ntriples(facts)),
        )
        for graph, text in derived:
            self.derived += text.count("\n")
            yield graph, text.encode()
        self.ends["derive"] = time.perf_counter()


def _language_ntriples(languages: Sequence[str]) -> bytes:
    """The ESCO graph's languages: the main one (``sg:mainLanguage``) and every one
    (``dcterms:language``), as ``xsd:language`` literals."""
    graph = t.nt(t.ESCO_GRAPH)
    literal = '"{}"^^' + t.nt(t.XSD_LANGUAGE)
    lines = [f"{graph} {t.nt(t.MAIN_LANGUAGE)} {literal.format(languages[0])} .\n"]
    lines += [f"{graph} {t.nt(t.DCT_LANGUAGE)} {literal.format(tag)} .\n" for tag in languages]
    return "".join(lines).encode()


def _text(quads: list[Quad]) -> bytes:
    text = serialize(quads, format=RdfFormat.N_TRIPLES)
    assert text is not None  # serialize returns the text when given no output
    return text


def default_store() -> Path:
    """Where ``skillgraph load`` puts the store when given no ``--store``:
    ``$XDG_DATA_HOME/skillgraph/store`` (``~/.local/share/skillgraph/store``)."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "skillgraph" / "store"


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
