"""Several ESCO releases in one store, each in named graphs of its own.

A load writes each ESCO release it is given into two named graphs, named after the release::

    https://w3id.org/skillgraph/graph/esco/v1.2.0      the classification as its files state it
    https://w3id.org/skillgraph/graph/derived/v1.2.0   skillgraph's facts derived from it

and describes the release in its derived graph (the classification graph's IRI is the
subject, so that the classification graph holds only what the files state)::

    <…/graph/esco/v1.2.0> a sg:Release ; owl:versionInfo "v1.2.0" ;
        sg:derivedGraph <…/graph/derived/v1.2.0> ; sg:mainLanguage "en"^^xsd:language ;
        dcterms:language "en"^^xsd:language, "fr"^^xsd:language ;
        dcterms:created "…"^^xsd:dateTime .

The model (``…/graph/model``) and the datasets loaded beside ESCO (O*NET, mapping tables,
attribute tables, RDF files: each in its own graph) are shared by every release.

A :class:`Release` is a store version seen as one release: queries on it take as their
default graph that release's two graphs, the model and the datasets, so that every named query
and index answers for that release alone. The newest release (by its number, not the order
of the loads) is the one answered when none is asked for, and the SPARQL endpoint's default
graph. A store without release descriptions (a bare Oxigraph store, or one loaded by an older
skillgraph) is one release, its default graph the union of its graphs, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeAlias

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
    Triple,
)

from graph import terms as t

ESCO_BASE: Final = t.GRAPH_BASE + "esco/"
DERIVED_BASE: Final = t.GRAPH_BASE + "derived/"
RELEASE: Final = NamedNode(t.SG + "Release")
DERIVED_GRAPH: Final = NamedNode(t.SG + "derivedGraph")
VERSION_INFO: Final = NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
CREATED: Final = NamedNode(t.DCTERMS + "created")

UNNAMED: Final = "unversioned"
"""The name of a release whose files do not say which release they are (and the load was
not told with ``--release``)."""

_NUMBER = re.compile(r"(?<![\w.])v?(\d+)\.(\d+)(?:\.(\d+))?(?![\w.]*\d)", re.IGNORECASE)
NAME_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
"""What a release name may be: it is part of two graph IRIs and of every URL that asks
for it."""
_NAME = re.compile(NAME_PATTERN)


def release_name(path: Path) -> str | None:
    """The release an ESCO download at ``path`` says it is, from its names: the zips
    (``ESCO dataset - v1.1.1 - classification - en - csv.zip``) or else the folder
    (``esco-v1.2.0``). ``v1.2`` is ``v1.2.0``; None when no name carries a number."""
    names = []
    if path.is_dir():
        names += sorted(p.name for p in path.iterdir() if p.suffix.lower() == ".zip")
    names.append(path.name)
    for name in names:
        found = _NUMBER.search(name)
        if found:
            major, minor, patch = found.groups()
            return f"v{int(major)}.{int(minor)}.{int(patch or 0)}"
    return None


def check_name(name: str) -> str:
    """``name`` if it can name a release.

    :raises ValueError: if it cannot (letters, digits, ``.``, ``_`` and ``-``, 1-40 of them)."""
    if not _NAME.match(name):
        raise ValueError(
            f"{name!r} cannot name a release: use letters, digits, '.', '_' and '-' "
            "(up to 40), such as v1.2.0"
        )
    return name


def order(name: str) -> tuple[int, tuple[int, ...], str]:
    """The sort key of a release name: numbered releases by number after any others."""
    found = _NUMBER.fullmatch(name)
    if found:
        return (1, tuple(int(part or 0) for part in found.groups()), name)
    return (0, (), name)


def esco_graph(name: str) -> NamedNode:
    """The named graph of release ``name``'s classification."""
    return NamedNode(ESCO_BASE + name)


def derived_graph(name: str) -> NamedNode:
    """The named graph of the facts derived from release ``name``."""
    return NamedNode(DERIVED_BASE + name)


def is_release_graph(graph: str) -> bool:
    """Whether ``graph`` (an IRI) is one of a release's two graphs."""
    return graph.startswith((ESCO_BASE, DERIVED_BASE))


def description_ntriples(name: str, languages: Sequence[str], created: str) -> str:
    """The triples that describe release ``name`` (see the module), in N-Triples."""
    graph = t.nt(esco_graph(name))
    language = '"{}"^^' + t.nt(t.XSD_LANGUAGE)
    lines = [
        f"{graph} {t.nt(t.TYPE)} {t.nt(RELEASE)} .",
        f'{graph} {t.nt(VERSION_INFO)} "{name}" .',
        f"{graph} {t.nt(DERIVED_GRAPH)} {t.nt(derived_graph(name))} .",
        f'{graph} {t.nt(CREATED)} "{created}"^^{t.nt(t.XSD_DATETIME)} .',
        f"{graph} {t.nt(t.MAIN_LANGUAGE)} {language.format(languages[0])} .",
        *(f"{graph} {t.nt(t.DCT_LANGUAGE)} {language.format(tag)} ." for tag in languages),
    ]
    return "\n".join(lines) + "\n"


class Release:
    """One release of a store version (see the module): the store, queried with the
    release's graphs, the model and the datasets as the default graph. Reads only; has what
    the named queries and the indexes use of a :class:`pyoxigraph.Store`."""

    def __init__(
        self,
        store: Store,
        name: str,
        *,
        graphs: Sequence[NamedNode] = (),
        main_language: str | None = None,
        languages: Sequence[str] = (),
        created: str | None = None,
    ) -> None:
        self.store = store
        self.name = name
        self.graphs = list(graphs)
        """the default graph of its queries; empty: the union of the store's graphs"""
        self.main_language = main_language
        self.languages = tuple(languages)
        self.created = created

    def __repr__(self) -> str:
        return f"Release({self.name!r})"

    def __len__(self) -> int:
        return len(self.store)

    @property
    def esco(self) -> NamedNode | None:
        """Its classification graph (None for a store without release descriptions)."""
        return self.graphs[0] if self.graphs else None

    def query(self, query: str, **options: Any) -> QuerySolutions | QueryBoolean | QueryTriples:
        """``Store.query``, with the release's default graph where the union is asked for."""
        if options.pop("use_default_graph_as_union", False) and "default_graph" not in options:
            if self.graphs:
                options["default_graph"] = self.graphs
            else:
                options["use_default_graph_as_union"] = True
        return self.store.query(query, **options)

    def quads_for_pattern(
        self, subject: Any, predicate: Any, object: Any, graph_name: Any = None
    ) -> Iterator[Quad]:
        """``Store.quads_for_pattern``; with no graph named, in the release's graphs only."""
        if graph_name is not None or not self.graphs:
            yield from self.store.quads_for_pattern(subject, predicate, object, graph_name)
            return
        for graph in self.graphs:
            yield from self.store.quads_for_pattern(subject, predicate, object, graph)

    def holds(self, uri: str) -> bool:
        """Whether the release's classification describes ``uri`` (it has a type there)."""
        node = NamedNode(uri)
        graph = self.esco
        found = self.store.quads_for_pattern(node, t.TYPE, None, graph)
        return next(found, None) is not None


StoreView: TypeAlias = Store | Release
"""What the named queries and the indexes read: a whole store, or one release of it."""


@dataclass(frozen=True)
class ReleaseGraphs:
    """A release's name and graphs as a store describes it."""

    name: str
    esco: NamedNode
    derived: NamedNode | None
    main_language: str | None
    languages: tuple[str, ...]
    created: str | None


def described(store: Store) -> list[ReleaseGraphs]:
    """The releases ``store`` describes, oldest first (none for a store loaded without
    them)."""
    found: list[ReleaseGraphs] = []
    for quad in store.quads_for_pattern(None, VERSION_INFO, None):
        graph, name = quad.subject, quad.object
        if not (
            isinstance(graph, NamedNode)
            and isinstance(quad.graph_name, NamedNode)
            and quad.graph_name.value.startswith(DERIVED_BASE)
            and graph.value.startswith(ESCO_BASE)
            and isinstance(name, Literal)
        ):
            continue
        facts: dict[str, list[str]] = {}
        for fact in store.quads_for_pattern(graph, None, None, quad.graph_name):
            if not isinstance(fact.object, Triple):
                facts.setdefault(fact.predicate.value, []).append(fact.object.value)
        derived = facts.get(DERIVED_GRAPH.value, [])
        main = facts.get(t.MAIN_LANGUAGE.value, [])
        languages = sorted(facts.get(t.DCT_LANGUAGE.value, []))
        if main:  # the main language first
            languages = [main[0], *(tag for tag in languages if tag != main[0])]
        created = facts.get(CREATED.value, [])
        found.append(
            ReleaseGraphs(
                name.value,
                graph,
                NamedNode(derived[0]) if derived else None,
                main[0].lower() if main else None,
                tuple(languages),
                created[0] if created else None,
            )
        )
    return sorted(found, key=lambda r: order(r.name))


def releases(store: Store) -> dict[str, Release]:
    """Every release of ``store`` by name, oldest first, the newest last (see the module).
    A store without release descriptions is one release, named :data:`UNNAMED`, whose
    default graph is the union of its graphs."""
    described_ = described(store)
    if not described_:
        return {UNNAMED: Release(store, UNNAMED)}
    shared = [
        graph
        for graph in store.named_graphs()
        if isinstance(graph, NamedNode) and not is_release_graph(graph.value)
    ]
    shared.sort(key=lambda g: g.value)
    return {
        r.name: Release(
            store,
            r.name,
            graphs=[r.esco, *([r.derived] if r.derived else []), *shared],
            main_language=r.main_language,
            languages=r.languages,
            created=r.created,
        )
        for r in described_
    }


def release_graphs(store: Store, name: str) -> list[NamedNode]:
    """The two graphs of release ``name`` in ``store`` (none if it has no such release)."""
    return [g for g in (esco_graph(name), derived_graph(name)) if store.contains_named_graph(g)]
