"""The growth benchmark's synthetic classification: k times the occupations and relations."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode

from benchmarks.scale_bundle import scale, variant
from graph import terms as t
from graph.catalog import Catalog
from graph.store import LiveStore
from skillgraph.pipeline import load_bundle
from tests import tiny


def test_a_scaled_bundle_loads_with_k_times_the_occupations(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    scale(tiny_bundle, tmp_path / "x3", 3)
    result = load_bundle(tmp_path / "x3", tmp_path / "store")
    assert result.report.rows["occupations"] == 3 * 6
    assert result.report.rows["occupationSkillRelations"] == 3 * len(tiny.RELATIONS)
    assert result.report.rows["skills"] == 9
    store = LiveStore(tmp_path / "store").get().store
    copy = variant(tiny.SOUND_DESIGNER, 2)
    assert list(
        store.quads_for_pattern(NamedNode(copy), t.BROADER, NamedNode(variant(tiny.PRODUCER, 2)))
    )
    profile = Catalog().occupation(store, copy)
    assert profile.texts.label == "sound designer (variant 2)"
    assert profile.skill_level == 4
    # A variant needs the same skills as its original, so it is its most similar occupation.
    similar = Catalog().related_occupations(store, tiny.PRODUCER, kind="similar", limit=3).items
    assert [item.score for item in similar[:2]] == [1.0, 1.0]
    assert {item.occupation.label for item in similar[:2]} == {
        "producer (variant 1)",
        "producer (variant 2)",
    }
