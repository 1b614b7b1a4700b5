"""Facts derived from the classification once, at load time, and stored as triples.

- ``sg:iscoSkillLevel``: the ISCO skill level (1-4) of every occupation and ISCO group,
  from its ISCO-08 code (see :func:`graph.terms.isco_skill_level`).
- ``sg:skillCount`` and ``sg:skillNorm``: how many distinct skills an occupation needs, and
  the square root of that, the norm of its skill vector. The similarity queries divide by
  it; SPARQL has no square root, so it is written here.

They are read back by the named queries like any other triple, so an analyst sees them too.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from importlib import resources

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from graph import terms as t
from graph.queries import QueryRunner


def derived_quads(store: Store, runner: QueryRunner | None = None) -> Iterator[Quad]:
    """The derived facts for the classification in ``store``."""
    runner = runner or QueryRunner()
    for row in runner.select(store, "occupation_skill_counts"):
        occupation = NamedNode(str(row["occupation"]))
        count = int(row["skills"] or 0)
        yield Quad(occupation, t.SKILL_COUNT, Literal(count))
        yield Quad(occupation, t.SKILL_NORM, Literal(math.sqrt(count)))
        level = t.isco_skill_level(str(row["isco_code"] or ""))
        if level is not None:
            yield Quad(occupation, t.ISCO_SKILL_LEVEL, Literal(level))
    for row in runner.select(store, "isco_group_codes"):
        level = t.isco_skill_level(str(row["code"]))
        if level is not None:
            yield Quad(NamedNode(str(row["group"])), t.ISCO_SKILL_LEVEL, Literal(level))


def add_derived_facts(store: Store, runner: QueryRunner | None = None) -> int:
    """Write the derived facts into a writable store; returns how many triples."""
    quads = list(derived_quads(store, runner))
    store.bulk_extend(quads)
    return len(quads)


def ontology_quads() -> list[Quad]:
    """The triples of ``ontology/esco.ttl``, the model the graph is written in."""
    text = resources.files("ontology").joinpath("esco.ttl").read_bytes()
    return [
        Quad(tr.subject, tr.predicate, tr.object) for tr in parse(text, format=RdfFormat.TURTLE)
    ]
