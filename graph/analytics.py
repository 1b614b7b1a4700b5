"""Facts derived from the classification once, at load time, and stored as triples.

- ``sg:iscoGroup``: the ISCO-08 unit group of every occupation (the 4-digit group above it,
  which the official RDF reaches by ``skos:broader``/``skos:broaderTransitive``; the deprecated
  ``esco:memberOfISCOGroup`` once said it), so that queries need no walk up the hierarchy.
- ``sg:iscoSkillLevel``: the ISCO skill level (1-4) of every occupation and ISCO group,
  from its ISCO-08 code (see :func:`graph.terms.isco_skill_level`).
- ``sg:skillCount`` and ``sg:skillNorm``: how many distinct skills an occupation needs, and
  the square root of that, the norm of its skill vector (SPARQL has no square root).
- ``sg:similarOccupation`` and ``sg:prospect``: for every occupation, its best
  :data:`MATCHES_PER_OCCUPATION` matches at the same skill level and at a higher one, each an
  ``sg:OccupationMatch`` node with the matched occupation, the number of shared skills and how
  many of them are essential for the matched occupation. The cosine similarity of all pairs
  is one sparse matrix product, ``A·Aᵀ`` over the occupation-skill matrix, made in blocks of
  rows so memory stays bounded; the named queries
  read the stored matches and compute the score from the counts and norms, as the full
  live ranking (``similar_occupations_all.rq``) does.

The loader fills a :class:`ClassificationFacts` while it converts the files, so nothing has
to be read back from the store.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from itertools import repeat
from operator import itemgetter

import numpy as np
import scipy.sparse as sparse
from pyoxigraph import Quad, RdfFormat, parse

from graph import terms as t

MATCHES_PER_OCCUPATION = 20
"""How many similar occupations and how many prospects are stored for each occupation."""


@dataclass
class ClassificationFacts:
    """What the analytics need from a classification, gathered while it is loaded."""

    occupations: dict[str, tuple[str, str]] = field(default_factory=dict)
    """occupation URI -> (preferred label, ISCO-08 unit group code)"""
    isco_groups: dict[str, str] = field(default_factory=dict)
    """ISCO group URI -> code"""
    relations: list[tuple[str, str, bool]] = field(default_factory=list)
    """(occupation URI, skill URI, essential?) as the files list them"""
    broader: dict[str, set[str]] = field(default_factory=dict)
    """concept URI -> the URIs of its direct broader concepts (both hierarchies)"""

    def add_occupation(self, uri: str, label: str, isco_code: str) -> None:
        self.occupations[uri] = (label, isco_code)

    def add_isco_group(self, uri: str, code: str) -> None:
        self.isco_groups[uri] = code

    def add_relation(self, occupation: str, skill: str, *, essential: bool) -> None:
        self.relations.append((occupation, skill, essential))

    def add_broader(self, narrower: str, broader: str) -> None:
        self.broader.setdefault(narrower, set()).add(broader)


def ancestors(broader: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every concept's broader concepts at any distance (``skos:broaderTransitive``, which the
    official ESCO RDF materialises). A cycle in the files ends where it closes."""
    found: dict[str, set[str]] = {}

    def visit(concept: str, path: frozenset[str]) -> set[str]:
        known = found.get(concept)
        if known is not None:
            return known
        above: set[str] = set()
        for parent in broader.get(concept, ()):
            if parent in path or parent == concept:
                continue
            above.add(parent)
            above |= visit(parent, path | {parent})
        found[concept] = above
        return above

    for concept in broader:
        visit(concept, frozenset({concept}))
    return found


def broader_transitive_ntriples(facts: ClassificationFacts) -> Iterator[str]:
    """``skos:broaderTransitive`` from every concept to each of its ancestors."""
    predicate = t.nt(t.BROADER_TRANSITIVE)
    lines: list[str] = []
    for concept, above in ancestors(facts.broader).items():
        lines.extend(f"<{concept}> {predicate} <{a}> .\n" for a in sorted(above))
        if len(lines) > 10_000:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


@dataclass(frozen=True)
class _Matrix:
    uris: list[str]
    levels: np.ndarray
    counts: np.ndarray
    norms: np.ndarray
    held: sparse.csr_matrix
    """held[i, s]: occupation i needs skill s (essential or optional)"""
    needed: sparse.csr_matrix
    """needed[i, s]: skill s is essential for occupation i"""
    label_rank: np.ndarray
    """each occupation's place in (lower-case label, URI) order: the tie-break"""


def _matrix(facts: ClassificationFacts) -> _Matrix:
    uris = list(facts.occupations)
    index = {uri: i for i, uri in enumerate(uris)}
    # C-level maps over the relations, a column at a time: a Python loop took longer.
    relations = facts.relations
    n = len(relations)
    skills = {uri: j for j, uri in enumerate(dict.fromkeys(map(itemgetter(1), relations)))}
    occupation = map(index.get, map(itemgetter(0), relations), repeat(-1))
    rows = np.fromiter(occupation, dtype=np.int64, count=n)
    cols = np.fromiter(map(skills.__getitem__, map(itemgetter(1), relations)), np.int64, count=n)
    essential = np.fromiter(map(itemgetter(2), relations), dtype=bool, count=n)
    described = rows >= 0  # not a relation to an occupation the files do not describe
    rows, cols, essential = rows[described], cols[described], essential[described]
    shape = (len(uris), max(len(skills), 1))
    ones = np.ones(len(rows), dtype=np.int32)
    held = sparse.csr_matrix((ones, (rows, cols)), shape=shape)
    held.data[:] = 1  # listed as both essential and optional: still one skill
    needed = sparse.csr_matrix((essential.astype(np.int32), (rows, cols)), shape=shape)
    needed.data = (needed.data > 0).astype(np.int32)
    needed.eliminate_zeros()
    counts = np.asarray(held.sum(axis=1)).ravel().astype(int)
    levels = np.array([t.isco_skill_level(facts.occupations[u][1]) or 0 for u in uris], dtype=int)
    return _Matrix(
        uris=uris,
        levels=levels,
        counts=counts,
        norms=np.sqrt(counts.astype(float)),
        held=held,
        needed=needed,
        label_rank=_ranks([(facts.occupations[u][0].lower(), u) for u in uris]),
    )


def _ranks(keys: list[tuple[str, str]]) -> np.ndarray:
    ranks = np.empty(len(keys), dtype=int)
    for rank, position in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
        ranks[position] = rank
    return ranks


BLOCK = 1024
"""Occupations whose similarities are computed at once: the product is made in row blocks
so that memory stays bounded however many occupations there are."""


def _matches(m: _Matrix, *, k: int) -> Iterator[tuple[int, bool, list[tuple[int, int, int]]]]:
    """For every occupation i: (i, higher?, [(j, shared, shared essential for j)]), the best
    ``k`` at the same level and at a higher one, ranked as the named queries rank them:
    score, then label, then URI.

    The occupations of each skill level are multiplied by those of the same level and by
    those of higher levels only: pairs with a lower level are never computed, which halves
    the products and leaves nothing to filter."""
    for level in np.unique(m.levels[m.levels > 0]):
        members = np.flatnonzero(m.levels == level)
        above = np.flatnonzero(m.levels > level)
        held = m.held[members]
        targets = [
            (higher, candidates, m.held[candidates].T.tocsr(), m.norms[candidates])
            for higher, candidates in ((False, members), (True, above))
        ]
        for start in range(0, len(members), BLOCK):
            block = held[start : start + BLOCK]
            occupations = members[start : start + BLOCK]
            picks: list[tuple[int, bool, np.ndarray, np.ndarray]] = []
            for higher, candidates, columns, norms in targets:
                shared = block @ columns  # skills both need
                ends = shared.indptr
                # The same arithmetic as the SPARQL, for the whole block at once:
                # shared / (norm(a) * norm(b)).
                scores = shared.data / (
                    np.repeat(m.norms[occupations], np.diff(ends)) * norms[shared.indices]
                )
                for row, i in enumerate(occupations.tolist()):
                    span = slice(ends[row], ends[row + 1])
                    js, counts = _best(
                        m,
                        candidates,
                        shared.indices[span],
                        shared.data[span],
                        scores[span],
                        k + (not higher),
                    )
                    if not higher:  # i is among its own best (see _best): not its own match
                        others = js != i
                        js, counts = js[others][:k], counts[others][:k]
                    picks.append((i, higher, js, counts))
            essential = _shared_essential(m, picks)
            for (i, higher, chosen, counts), needed in zip(picks, essential, strict=True):
                best = zip(chosen.tolist(), counts.tolist(), needed.tolist(), strict=True)
                yield i, higher, list(best)


def _best(
    m: _Matrix,
    candidates: np.ndarray,
    places: np.ndarray,
    shared: np.ndarray,
    scores: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best of the ``candidates`` at ``places``, in rank order, with their shared
    skill counts.

    An occupation compared with its own level is among its ``k + 1`` best: its score is the
    highest there is (1, or a rounding of it that only occupations needing exactly its
    skills share, with the same rounding)."""
    if len(places) > k:
        # Keep the k best and anything tied with the k-th, then order those exactly.
        kth = np.partition(scores, len(places) - k)[len(places) - k]
        keep = np.flatnonzero(scores >= kth)
        places, shared, scores = places[keep], shared[keep], scores[keep]
    js = candidates[places]
    order = np.lexsort((m.label_rank[js], -scores))[:k]
    return js[order], shared[order].astype(int)


def _shared_essential(
    m: _Matrix, picks: list[tuple[int, bool, np.ndarray, np.ndarray]]
) -> list[np.ndarray]:
    """For each pick (i, higher, chosen js, ...): how many skills of i are essential for each
    j. Counted for the chosen pairs only, all of a block's at once: a product of every pair,
    like the shared counts, would cost as much again."""
    sizes = [len(chosen) for _, _, chosen, _ in picks]
    if not sum(sizes):
        return [np.zeros(0, dtype=int) for _ in picks]
    rows = np.repeat([i for i, _, _, _ in picks], sizes)
    cols = np.concatenate([chosen for _, _, chosen, _ in picks])
    counts = np.asarray(m.held[rows].multiply(m.needed[cols]).sum(axis=1)).ravel().astype(int)
    return np.split(counts, np.cumsum(sizes)[:-1])


def derived_ntriples(
    facts: ClassificationFacts, *, matches: int = MATCHES_PER_OCCUPATION
) -> Iterator[str]:
    """The derived facts of a classification as N-Triples text, in pieces. A piece never
    splits a match node's triples (the loader hands pieces to separate bulk loaders, and
    blank nodes are local to each).

    Written as text rather than pyoxigraph objects because there are hundreds of thousands
    and Oxigraph parses text faster than Python builds objects. Safe to write by hand: every
    IRI comes from a NamedNode the loader already validated, every literal is a number.
    """
    m = _matrix(facts)
    lines: list[str] = []
    add = lines.append
    count, norm, level = map(t.nt, (t.SKILL_COUNT, t.SKILL_NORM, t.ISCO_SKILL_LEVEL))
    group = t.nt(t.ISCO_GROUP)
    integer, double = f"^^{t.nt(t.XSD_INTEGER)}", f"^^{t.nt(t.XSD_DOUBLE)}"
    for i, uri in enumerate(m.uris):
        add(f"<{uri}> {group} <{t.isco_uri(facts.occupations[uri][1])}> .\n")
        add(f'<{uri}> {count} "{int(m.counts[i])}"{integer} .\n')
        add(f'<{uri}> {norm} "{math.sqrt(int(m.counts[i]))!r}"{double} .\n')
        if m.levels[i]:
            add(f'<{uri}> {level} "{int(m.levels[i])}"{integer} .\n')
    for uri, code in facts.isco_groups.items():
        group_level = t.isco_skill_level(code)
        if group_level is not None:
            add(f'<{uri}> {level} "{group_level}"{integer} .\n')
    matched, shared_skills, shared_essential = map(
        t.nt, (t.MATCHED_OCCUPATION, t.SHARED_SKILLS, t.SHARED_ESSENTIAL)
    )
    node = 0
    for i, higher, best in _matches(m, k=matches):
        link = t.PROSPECT if higher else t.SIMILAR_OCCUPATION
        subject = f"<{m.uris[i]}> {t.nt(link)} "
        for j, shared, essential in best:
            node += 1
            match = f"_:m{node}"
            add(
                f"{subject}{match} .\n"
                f"{match} {matched} <{m.uris[j]}> .\n"
                f'{match} {shared_skills} "{shared}"{integer} .\n'
                f'{match} {shared_essential} "{essential}"{integer} .\n'
            )
        if len(lines) > 10_000:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def ontology_quads() -> list[Quad]:
    """The triples of ``ontology/esco.ttl``, the model the graph is written in."""
    text = resources.files("ontology").joinpath("esco.ttl").read_bytes()
    return [
        Quad(tr.subject, tr.predicate, tr.object) for tr in parse(text, format=RdfFormat.TURTLE)
    ]
