"""Datasets loaded beside ESCO: RDF files, mapping tables and attributes tables, each into a
named graph.

A dataset is given as ``PATH`` (its graph is named from the file:
``https://w3id.org/skillgraph/graph/<file name without extension>``) or as ``IRI=PATH``
(the graph the user names). RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD)
go to the engine whole, which streams them at bulk-load speed; the quads of an N-Quads or
TriG file that name a graph keep it. A mapping table is a CSV (or ``.tsv``) file with the columns
``esco_uri``, ``external_uri`` and ``match`` (``exact``, ``close``, ``broad``, ``narrow`` or
``related``), written as SKOS mapping triples from the ESCO concept:
``<esco_uri> skos:exactMatch <external_uri>``. A CSV (or ``.tsv``) file whose header has
``concept_uri`` or ``esco_uri``, at least one of the attribute columns ``job_zone``,
``education_level``, ``related_work_experience``, ``on_the_job_training`` and
``annual_earnings``, and neither ``external_uri`` nor ``match`` is an attributes table, read
by :mod:`loaders.attributes`; any other CSV file is read as a mapping table. A folder of
O*NET files is read by :mod:`loaders.onet` (its graph is
``https://w3id.org/skillgraph/graph/onet`` unless named).

Everything is checked before the load starts (the file exists, its kind is known, the
graph's name is an IRI that no other dataset and none of the store's own graphs has); a
row or triple that is not what it should be stops the load with the file, line and reason,
like a bad ESCO file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat

from graph import terms as t
from graph.errors import BundleError
from loaders import tables
from loaders.attributes import is_attributes_table
from loaders.onet import OCCUPATIONS_FILE, TEXT_RELEASE_NAMES, is_onet_folder

OWN_GRAPHS = (t.MODEL_GRAPH.value, t.GRAPH_BASE + "esco", t.GRAPH_BASE + "derived")
"""The graphs no dataset may take: the model's, and the names of the releases' graphs (the
bare ones too, which stores loaded before releases used)."""
OWN_PREFIXES = (t.GRAPH_BASE + "esco/", t.GRAPH_BASE + "derived/")
"""Where the releases' graphs are named (:mod:`graph.releases`)."""

RDF_FORMATS = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".jsonld": RdfFormat.JSON_LD,
}
"""The RDF files a load takes beside ESCO, by extension."""

MAPPING_SUFFIXES = (".csv", ".tsv")
"""A mapping table's extensions: a ``.tsv``'s cells are separated by tabs (:mod:`loaders.tables`
reads both, and a ``.csv`` separated by semicolons)."""
MAPPING_COLUMNS = ("esco_uri", "external_uri", "match")
MATCH_KINDS = ("exact", "close", "broad", "narrow", "related")
"""A mapping table's match kinds: ``skos:<kind>Match``."""

_NAME = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class Dataset:
    """A file to load beside ESCO, and the named graph it goes into."""

    path: Path
    graph: NamedNode
    rdf_format: RdfFormat | None
    """the RDF syntax, or None for a table or an O*NET folder"""
    onet: bool = False
    """a folder of O*NET files (:mod:`loaders.onet`)"""
    attributes: bool = False
    """an occupation attributes table (:mod:`loaders.attributes`)"""

    @property
    def kind(self) -> str:
        if self.onet:
            return "O*NET"
        if self.attributes:
            return "attributes table"
        return "mapping table" if self.rdf_format is None else self.rdf_format.name


def parse(argument: str) -> Dataset:
    """The dataset a command-line argument names: ``PATH`` or ``IRI=PATH``.

    :raises BundleError: if the file is missing or of no known kind, or the IRI is invalid.
    """
    graph_iri = None
    head, separator, tail = argument.partition("=")
    if separator and head.startswith(("http://", "https://")):
        graph_iri, argument = head, tail
    path = Path(argument)
    onet = is_onet_folder(path)
    if path.is_dir() and not onet:
        raise BundleError(
            "a folder beside ESCO must be O*NET's (holding "
            f"{OCCUPATIONS_FILE} or {TEXT_RELEASE_NAMES[OCCUPATIONS_FILE]})",
            file=str(path),
        )
    if not onet and not path.is_file():
        raise BundleError("no such file", file=str(path))
    suffix = "" if onet else path.suffix.lower()
    if not onet and suffix not in MAPPING_SUFFIXES and suffix not in RDF_FORMATS:
        known = ", ".join([*RDF_FORMATS, *MAPPING_SUFFIXES])
        raise BundleError(
            f"not a file a load takes beside ESCO (by extension: {known})", file=path.name
        )
    if graph_iri is None:
        # An O*NET folder's graph is named for what it holds, as ESCO's is.
        name = "onet" if onet else _NAME.sub("-", path.stem.lower()).strip("-") or "dataset"
        graph_iri = t.GRAPH_BASE + name
    try:
        graph = NamedNode(graph_iri)
    except ValueError as error:
        raise BundleError(
            f"the graph name {graph_iri!r} is not an IRI ({error})", file=path.name
        ) from None
    attributes = suffix in MAPPING_SUFFIXES and is_attributes_table(path)
    return Dataset(path, graph, RDF_FORMATS.get(suffix), onet=onet, attributes=attributes)


def check(datasets: list[Dataset]) -> None:
    """Refuse datasets that would share a graph, or take one of the store's own.

    :raises BundleError: naming the file.
    """
    taken = {graph: "the store's own" for graph in OWN_GRAPHS}
    for dataset in datasets:
        owner = taken.get(dataset.graph.value)
        if owner is None and dataset.graph.value.startswith(OWN_PREFIXES):
            owner = "a release's"
        if owner is not None:
            raise BundleError(
                f"its graph <{dataset.graph.value}> is {owner}: name another with IRI=PATH",
                file=dataset.path.name,
            )
        taken[dataset.graph.value] = f"that of {dataset.path.name}"


def mapping_ntriples(dataset: Dataset) -> Iterator[str]:
    """A mapping table's rows as SKOS mapping triples (N-Triples), a few thousand a piece.

    :raises BundleError: at the first row that is not a mapping, with its line.
    """
    name = dataset.path.name
    lines: list[str] = []
    for line, row in tables.read_file(dataset.path, required=MAPPING_COLUMNS):
        esco, external, kind = (row[column].strip() for column in MAPPING_COLUMNS)
        if kind.lower() not in MATCH_KINDS:
            raise BundleError(
                f"match {kind!r} is not one of {', '.join(MATCH_KINDS)}", file=name, line=line
            )
        subject = _iri(esco, "esco_uri", name, line)
        if not esco.startswith(t.ESCO_DATA):
            raise BundleError(
                f"esco_uri {esco!r} is not an ESCO URI ({t.ESCO_DATA}...)", file=name, line=line
            )
        target = _iri(external, "external_uri", name, line)
        lines.append(f"{subject} <{t.SKOS}{kind.lower()}Match> {target} .\n")
        if len(lines) >= 10_000:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def _iri(value: str, column: str, file: str, line: int) -> str:
    try:
        NamedNode(value)
    except ValueError as error:
        raise BundleError(
            f"{column} {value!r} is not a valid IRI ({error})", file=file, line=line
        ) from None
    return f"<{value}>"
