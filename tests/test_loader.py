"""Loading ESCO CSV bundles: triples in the official model, errors with file and line, and
all-or-nothing replacement of the store."""

from __future__ import annotations

import csv
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from graph import releases
from graph import terms as t
from graph.errors import BundleError, StoreError
from graph.store import ACTIVE, LiveStore, active_version, build_store
from loaders import LoadReport, bundle_ntriples, open_bundle
from skillgraph.pipeline import load_bundle, load_text
from tests import tiny


def triples(
    root: Path, s: str | None = None, p: NamedNode | None = None, o: object = None
) -> list[Quad]:
    store = LiveStore(root).get().store
    subject = NamedNode(s) if s else None
    return list(store.quads_for_pattern(subject, p, o))  # type: ignore[arg-type]


def test_load_counts_every_kind(tiny_bundle: Path, tmp_path: Path) -> None:
    result = load_bundle(tiny_bundle, tmp_path / "store")
    rows = result.report.rows
    assert rows["occupations"] == 6
    assert rows["skills"] == 9
    assert rows["occupationSkillRelations"] == len(tiny.RELATIONS) == 17
    assert rows["ISCOGroups"] == 16
    assert rows["greenSkillsCollection"] == 1
    assert result.triples == LiveStore(tmp_path / "store").get().triples
    # Triples the files state twice (a skill's broader link in two files) are stored once.
    assert 0 < result.triples <= result.report.triples + result.derived + result.ontology


def test_load_text_replays_the_same_load(tiny_bundle: Path, tmp_path: Path) -> None:
    # The growth benchmark's baseline: the engine given the text a load makes, made beforehand.
    result = load_bundle(tiny_bundle, tmp_path / "ours")
    text = load_text(tiny_bundle)
    replayed = build_store(tmp_path / "replayed", text)
    assert replayed.triples == result.triples

    def named(root: Path) -> set[str]:  # blank nodes are renamed per load
        quads = LiveStore(root).get().store.quads_for_pattern(None, None, None)
        # blank nodes are renamed, and a release's description says when it was loaded
        return {str(q) for q in quads if "_:" not in str(q) and q.predicate != releases.CREATED}

    assert named(tmp_path / "replayed") == named(tmp_path / "ours")
    assert len(named(tmp_path / "ours")) > result.report.triples / 2


def test_occupations_use_the_official_esco_model(tiny_root: Path) -> None:
    types = {q.object for q in triples(tiny_root, tiny.PRODUCER, t.TYPE)}
    assert types == {t.ESCO_OCCUPATION, t.ESCO_MEMBER_CONCEPT, t.SKOS_CONCEPT}
    (group,) = triples(tiny_root, tiny.PRODUCER, t.ISCO_GROUP)
    assert group.object == NamedNode("http://data.europa.eu/esco/isco/C2654")
    assert group.graph_name == releases.derived_graph(releases.UNNAMED)
    assert not triples(tiny_root, tiny.PRODUCER, NamedNode(t.ESCO + "memberOfISCOGroup"))
    labels = {q.object for q in triples(tiny_root, tiny.PRODUCER, t.ALT_LABEL)}
    assert labels == {
        Literal("film producer", language="en"),
        Literal("executive producer", language="en"),
    }
    assert triples(tiny_root, tiny.PRODUCER, t.HIDDEN_LABEL)[0].object == Literal(
        "prodcuer", language="en"
    )
    (description,) = triples(tiny_root, tiny.PRODUCER, t.DESCRIPTION)
    (language,) = triples(tiny_root, description.object.value, t.LANGUAGE)  # type: ignore[union-attr]
    assert language.object == Literal("en", datatype=t.XSD_LANGUAGE)
    assert description.graph_name == releases.esco_graph(releases.UNNAMED)
    schemes = {q.object.value for q in triples(tiny_root, tiny.PRODUCER, t.IN_SCHEME)}  # type: ignore[union-attr]
    assert schemes == {
        "http://data.europa.eu/esco/concept-scheme/occupations",
        "http://data.europa.eu/esco/concept-scheme/member-occupations",
    }
    (modified,) = triples(tiny_root, tiny.PRODUCER, t.MODIFIED)
    assert modified.object.datatype == t.XSD_DATETIME  # type: ignore[union-attr]


def test_relations_are_written_in_both_directions(tiny_root: Path) -> None:
    assert triples(tiny_root, tiny.PRODUCER, t.RELATED_ESSENTIAL_SKILL, NamedNode(tiny.BUDGET))
    assert triples(tiny_root, tiny.BUDGET, t.IS_ESSENTIAL_SKILL_FOR, NamedNode(tiny.PRODUCER))
    assert triples(tiny_root, tiny.MUSIC, t.IS_OPTIONAL_SKILL_FOR, NamedNode(tiny.CAMERA_OPERATOR))
    # ESCO lists "direct actors" as both essential and optional for director: both are kept.
    assert triples(tiny_root, tiny.DIRECTOR, t.RELATED_ESSENTIAL_SKILL, NamedNode(tiny.ACTING))
    assert triples(tiny_root, tiny.DIRECTOR, t.RELATED_OPTIONAL_SKILL, NamedNode(tiny.ACTING))


def test_skills_carry_type_and_reuse_level(tiny_root: Path) -> None:
    (kind,) = triples(tiny_root, tiny.SCRIPT, t.SKILL_TYPE)
    assert kind.object == NamedNode("http://data.europa.eu/esco/skill-type/knowledge")
    (kind,) = triples(tiny_root, tiny.BUDGET, t.SKILL_TYPE)
    assert kind.object == NamedNode("http://data.europa.eu/esco/skill-type/skill")
    (reuse,) = triples(tiny_root, tiny.MUSIC, t.SKILL_REUSE_LEVEL)
    assert reuse.object == NamedNode("http://data.europa.eu/esco/skill-reuse-level/transversal")
    assert not triples(tiny_root, tiny.CAMERA, t.SKILL_REUSE_LEVEL)


def test_isco_groups_keep_leading_zeros_and_hierarchy(tiny_root: Path) -> None:
    group = "http://data.europa.eu/esco/isco/C0110"
    notations = {q.object for q in triples(tiny_root, group, t.NOTATION)}
    # Plain and typed, as the official ESCO RDF writes them.
    assert notations == {Literal("0110"), Literal("0110", datatype=t.ISCO08_NOTATION)}
    assert triples(tiny_root, group, t.BROADER, NamedNode("http://data.europa.eu/esco/isco/C011"))
    assert triples(tiny_root, "http://data.europa.eu/esco/isco/C011", t.NARROWER, NamedNode(group))
    # A plain SKOS concept, as in the official RDF; its scheme says it is an ISCO group.
    assert {q.object for q in triples(tiny_root, group, t.TYPE)} == {t.SKOS_CONCEPT}
    assert triples(tiny_root, group, t.IN_SCHEME, NamedNode(t.ISCO_SCHEME))


def test_hierarchies_collections_and_skill_relations_are_loaded(tiny_root: Path) -> None:
    assert triples(tiny_root, tiny.SOUND_DESIGNER, t.BROADER, NamedNode(tiny.PRODUCER))
    assert triples(tiny_root, tiny.MUSIC, t.BROADER, NamedNode(tiny.ARTS_GROUP))
    assert {q.object for q in triples(tiny_root, tiny.ARTS_GROUP, t.TYPE)} == {t.SKOS_CONCEPT}
    assert triples(tiny_root, tiny.ARTS_GROUP, t.IN_SCHEME, NamedNode(t.SKILLS_HIERARCHY_SCHEME))
    assert triples(tiny_root, tiny.MIXING, t.RELATED_OPTIONAL_SKILL, NamedNode(tiny.MUSIC))
    green = NamedNode("http://data.europa.eu/esco/concept-scheme/green")
    assert triples(tiny_root, tiny.WOODWORK, t.IN_SCHEME, green)


def test_derived_skill_levels_and_norms_are_stored(tiny_root: Path) -> None:
    for occupation, level in tiny.SKILL_LEVELS.items():
        (fact,) = triples(tiny_root, occupation, t.ISCO_SKILL_LEVEL)
        assert fact.object == Literal(level)
    (count,) = triples(tiny_root, tiny.DIRECTOR, t.SKILL_COUNT)
    assert count.object == Literal(4)  # acting counted once
    (norm,) = triples(tiny_root, tiny.DIRECTOR, t.SKILL_NORM)
    assert float(norm.object.value) == pytest.approx(2.0)  # type: ignore[union-attr]
    assert not triples(tiny_root, "http://data.europa.eu/esco/isco/C0", t.ISCO_SKILL_LEVEL)
    (armed,) = triples(tiny_root, "http://data.europa.eu/esco/isco/C01", t.ISCO_SKILL_LEVEL)
    assert armed.object == Literal(4)


def test_cells_keep_every_character_however_n_triples_must_escape_it(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    # The loader writes N-Triples text by hand: quotes, backslashes, line breaks (CR and LF),
    # tabs, other control characters and any Unicode must come back exactly as in the cell.
    awkward = 'a "quoted" C:\\path\\n, not a break;\r\n\ttab \x01 \\" é 職業 🎬 \\u0041'
    label = 'director "of \\ photography"'
    uri = tiny.OCC + "e5c4e5c4-0000-4000-8000-00000000e5c4"
    with open(tiny_bundle / "occupations_en.csv", "a", newline="", encoding="utf-8") as handle:
        cells = dict.fromkeys(tiny.HEADERS["occupations"], "")
        cells |= {
            "conceptType": "Occupation",
            "conceptUri": uri,
            "iscoGroup": "2654",
            "preferredLabel": f"  {label}  ",
            "altLabels": 'one "alt"\nback\\slash',
            "description": awkward,
            "code": 'x"1',
            "status": "released",
        }
        csv.writer(handle, lineterminator="\n").writerow(cells.values())
    # Valid N-Triples, not only text the (lenient) bulk loader accepts.
    text = "".join(bundle_ntriples(open_bundle(tiny_bundle), LoadReport()))
    assert len(list(parse(text.encode(), format=RdfFormat.N_TRIPLES))) == text.count("\n")
    load_bundle(tiny_bundle, tmp_path / "store")
    root = tmp_path / "store"
    (pref,) = triples(root, uri, t.PREF_LABEL)
    assert pref.object == Literal(label, language="en")  # trimmed, nothing else changed
    assert {q.object for q in triples(root, uri, t.ALT_LABEL)} == {
        Literal('one "alt"', language="en"),
        Literal("back\\slash", language="en"),
    }
    (description,) = triples(root, uri, t.DESCRIPTION)
    (text,) = triples(root, description.object.value, t.NODE_LITERAL)  # type: ignore[union-attr]
    assert text.object == Literal(awkward.strip())
    forms = {q.object for q in triples(root, None, t.LITERAL_FORM)}
    assert Literal('one "alt"', language="en") in forms and Literal(label, language="en") in forms
    (notation,) = triples(root, uri, t.NOTATION)
    assert notation.object == Literal('x"1')


def test_the_ontology_is_loaded_with_the_data(tiny_root: Path) -> None:
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert triples(tiny_root, t.SG + "iscoSkillLevel", label)
    assert triples(tiny_root, t.ESCO + "relatedEssentialSkill", label)


def test_the_language_suffix_tags_the_literals(tmp_path: Path) -> None:
    bundle = tiny.write_bundle(tmp_path / "de", language="de")
    load_bundle(bundle, tmp_path / "store")
    (label,) = triples(tmp_path / "store", tiny.PRODUCER, t.PREF_LABEL)
    assert label.object == Literal("producer", language="de")


def test_a_zip_download_with_a_subfolder_loads(tiny_bundle: Path, tmp_path: Path) -> None:
    archive = tmp_path / "ESCO dataset - v1.2.0 - classification - en - csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in tiny_bundle.iterdir():
            zipped.write(file, f"esco/{file.name}")
        zipped.writestr("esco/readme.txt", "not a csv")
    result = load_bundle(archive, tmp_path / "store")
    assert result.report.rows["occupations"] == 6


def test_a_download_of_two_zips_as_releases_before_v1_2_come_loads(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    # Releases before v1.2.0: the language's files in one zip, the relations in another,
    # without a language suffix; both zips' names hold spaces (two in a row).
    folder = tmp_path / "esco-v1.1.1"
    folder.mkdir()
    language = zipfile.ZipFile(
        folder / "ESCO dataset - v1.1.1 - classification - en - csv.zip", "w"
    )
    neutral = zipfile.ZipFile(folder / "ESCO dataset - v1.1.1 - classification -  - csv.zip", "w")
    with language, neutral:
        for file in sorted(tiny_bundle.iterdir()):
            kind = file.name.removesuffix("_en.csv")
            if kind in ("occupationSkillRelations", "broaderRelationsOccPillar"):
                neutral.write(file, f"{kind}.csv")
            else:
                language.write(file, file.name)
    (folder / "README.md").write_text("notes beside the zips")
    bundle = open_bundle(folder)
    assert bundle.language == "en"
    assert bundle.files["occupationSkillRelations"].name == (
        "ESCO dataset - v1.1.1 - classification -  - csv.zip/occupationSkillRelations.csv"
    )
    loaded = load_bundle(folder, tmp_path / "store")
    straight = load_bundle(tiny_bundle, tmp_path / "straight")
    assert loaded.report.rows == straight.report.rows  # every file read, relations included
    assert loaded.report.triples == straight.report.triples


def test_a_relations_file_without_language_beside_one_with_it_is_refused(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(tiny_bundle, folder)
    shutil.copy(folder / "occupationSkillRelations_en.csv", folder / "occupationSkillRelations.csv")
    with pytest.raises(BundleError, match="two occupationSkillRelations files"):
        open_bundle(folder)


def test_progress_reports_every_byte(tiny_bundle: Path, tmp_path: Path) -> None:
    seen: list[int] = []
    total: list[int] = []
    load_bundle(tiny_bundle, tmp_path / "store", on_start=total.append, on_bytes=seen.append)
    assert total == [sum(f.stat().st_size for f in tiny_bundle.iterdir())]
    assert sum(seen) == total[0]


def test_relations_to_undescribed_concepts_are_kept_and_counted(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    stranger = "http://data.europa.eu/esco/skill/99999999-9999-4999-8999-999999999999"
    tiny.append_line(
        tiny_bundle / "occupationSkillRelations_en.csv", f"{tiny.PRODUCER},optional,,{stranger}"
    )
    result = load_bundle(tiny_bundle, tmp_path / "store")
    assert result.report.dangling["skillUri"] == 1
    assert triples(tmp_path / "store", tiny.PRODUCER, t.RELATED_OPTIONAL_SKILL, NamedNode(stranger))


# --- Malformed bundles: the file, the line, the reason ------------------------------------------


@pytest.mark.parametrize(
    ("file", "line", "reason"),
    [
        (
            "occupationSkillRelations",
            f"{tiny.PRODUCER},mandatory,,{tiny.BUDGET}",
            "relationType 'mandatory'",
        ),
        (
            "occupationSkillRelations",
            f"http://data.europa.eu/esco/occupation/a b,essential,,{tiny.BUDGET}",
            "not a valid IRI",
        ),
        (
            "occupations",
            f"Occupation,{tiny.OCC}x,26X4,broken,,,released,,,,,,,",
            "iscoGroup '26X4'",
        ),
        (
            "skills",
            f"KnowledgeSkillCompetence,{tiny.SKILL}x,attitude,,broken,,,released,,,,,",
            "skillType 'attitude'",
        ),
        (
            "skills",
            f"KnowledgeSkillCompetence,{tiny.SKILL}y,knowledge,often,broken,,,released,,,,,",
            "reuseLevel 'often'",
        ),
        (
            "occupations",
            f"Occupation,{tiny.OCC}z,2654,,,,released,,,,,,,",
            "preferredLabel is empty",
        ),
        (
            "occupations",
            f"Occupation,{tiny.OCC}w,2654,label,,,released,yesterday,,,,,,",
            "modifiedDate 'yesterday'",
        ),
        ("occupationSkillRelations", f"{tiny.PRODUCER},essential,,{tiny.BUDGET},extra", "5 cells"),
    ],
)
def test_a_malformed_row_stops_the_load_with_file_line_and_reason(
    tiny_bundle: Path, tmp_path: Path, file: str, line: str, reason: str
) -> None:
    number = tiny.append_line(tiny_bundle / f"{file}_en.csv", line)
    with pytest.raises(BundleError) as caught:
        load_bundle(tiny_bundle, tmp_path / "store")
    assert caught.value.file == f"{file}_en.csv"
    assert caught.value.line == number
    assert reason in str(caught.value)
    assert f"{file}_en.csv, line {number}: " in str(caught.value)


def test_a_missing_column_is_reported_on_the_header_line(tiny_bundle: Path, tmp_path: Path) -> None:
    path = tiny_bundle / "occupationSkillRelations_en.csv"
    text = path.read_text().replace("relationType", "relation", 1)
    path.write_text(text)
    with pytest.raises(
        BundleError, match=r"occupationSkillRelations_en.csv, line 1: missing column relationType"
    ):
        load_bundle(tiny_bundle, tmp_path / "store")


def test_bytes_that_are_not_utf8_are_reported(tiny_bundle: Path, tmp_path: Path) -> None:
    path = tiny_bundle / "skills_en.csv"
    path.write_bytes(path.read_bytes() + b"KnowledgeSkillCompetence,http://x/\xff\xfe,knowledge\n")
    with pytest.raises(BundleError, match="not UTF-8"):
        load_bundle(tiny_bundle, tmp_path / "store")


def test_a_missing_required_file_is_named(tiny_bundle: Path, tmp_path: Path) -> None:
    (tiny_bundle / "skills_en.csv").unlink()
    with pytest.raises(BundleError, match=r"lacks skills_en\.csv"):
        load_bundle(tiny_bundle, tmp_path / "store")


def test_several_languages_need_a_choice(tiny_bundle: Path, tmp_path: Path) -> None:
    tiny.write_bundle(tiny_bundle, language="fr")
    with pytest.raises(BundleError, match="several languages"):
        load_bundle(tiny_bundle, tmp_path / "store")
    result = load_bundle(tiny_bundle, tmp_path / "store", language="fr")
    assert result.report.rows["occupations"] == 6


def test_a_folder_without_esco_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(BundleError, match="no ESCO CSV files"):
        load_bundle(tmp_path / "empty", tmp_path / "store")
    with pytest.raises(BundleError, match="does not exist"):
        load_bundle(tmp_path / "nowhere", tmp_path / "store")


# --- All or nothing ------------------------------------------------------------------------------


def test_a_failed_load_leaves_the_previous_version_active(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    before = active_version(tiny_root)
    triples_before = LiveStore(tiny_root).get().triples
    tiny.append_line(
        tiny_bundle / "occupationSkillRelations_en.csv", f"{tiny.PRODUCER},sometimes,,{tiny.BUDGET}"
    )
    with pytest.raises(BundleError):
        load_bundle(tiny_bundle, tiny_root)
    assert active_version(tiny_root) == before
    assert LiveStore(tiny_root).get().triples == triples_before
    assert not [p for p in tiny_root.iterdir() if p.name.startswith(".building-")]


def test_a_new_load_replaces_the_active_version_and_keeps_one_previous(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    first = active_version(tiny_root)
    (tiny_bundle / "greenSkillsCollection_en.csv").unlink()
    second = load_bundle(tiny_bundle, tiny_root).version
    third = load_bundle(tiny_bundle, tiny_root).version
    assert active_version(tiny_root) == third
    assert os.readlink(tiny_root / ACTIVE) == third.name  # relative: the folder can move
    assert second.exists() and not first.exists()


def test_loading_over_a_bare_oxigraph_store_is_refused(
    tiny_root: Path, tiny_bundle: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(active_version(tiny_root), bare)
    with pytest.raises(StoreError, match="bare Oxigraph store"):
        load_bundle(tiny_bundle, bare)
    assert LiveStore(bare).get().triples > 0  # a bare store still opens for serving


def test_a_concurrent_load_is_refused(tiny_root: Path) -> None:
    import fcntl

    with open(tiny_root / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another load"):
            build_store(tiny_root, iter([]))


def test_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="skillgraph load"):
        LiveStore(tmp_path / "nothing")


# --- The streaming bulk load (graph.store.build_store) ---------------------------------------

EX = "http://example.org/"
AHEAD_PLUS = 20
"""More pieces than the queue between the producer and the loaders holds."""


GRAPH = NamedNode(EX + "graph")


def _pieces(count: int, per_piece: int) -> list[tuple[NamedNode, bytes]]:
    """Pieces of N-Triples, each naming blank nodes of its own (as the derived matches do)."""
    pieces = []
    for piece in range(count):
        lines = []
        for n in range(per_piece):
            node = f"_:p{piece}n{n}"
            lines.append(f"<{EX}s{piece}> <{EX}match> {node} .\n")
            lines.append(f'{node} <{EX}rank> "{n}" .\n')
            lines.append(f'{node} <{EX}piece> "{piece}" .\n')
        pieces.append((GRAPH, "".join(lines).encode()))
    return pieces


def test_every_piece_lands_whole_however_the_lanes_share_them(tmp_path: Path) -> None:
    from graph.store import AHEAD

    count = AHEAD * 4  # more than the queue holds, so the producer waits on the loaders
    built = build_store(tmp_path / "store", iter(_pieces(count, 50)))
    assert built.triples == count * 50 * 3
    store = LiveStore(tmp_path / "store").get().store
    # Each match node keeps both its facts: blank nodes were not split between loaders.
    rows = list(
        store.query(
            f"SELECT ?s (COUNT(?m) AS ?n) (SUM(IF(STR(?p) = STRAFTER(STR(?s), 'org/s'), 1, 0))"
            f" AS ?own) WHERE {{ ?s <{EX}match> ?m . ?m <{EX}rank> ?r ; <{EX}piece> ?p }}"
            " GROUP BY ?s",
            use_default_graph_as_union=True,
        )  # type: ignore[union-attr]
    )
    assert len(rows) == count
    assert all(int(r["n"].value) == 50 and int(r["own"].value) == 50 for r in rows)


def test_each_piece_is_a_document_of_its_own(tmp_path: Path) -> None:
    from graph.store import AHEAD

    # Every piece names the same blank node labels: the engine renames them per document,
    # so they stay distinct nodes (as they would not if one loader read several pieces as
    # one text).
    count = AHEAD * 2
    same = _pieces(1, 20)[0]
    built = build_store(tmp_path / "store", iter([same] * count))
    assert built.triples == count * 20 * 3
    store = LiveStore(tmp_path / "store").get().store
    (row,) = store.query(  # type: ignore[misc]
        f"SELECT (COUNT(DISTINCT ?m) AS ?n) "
        f"WHERE {{ GRAPH <{GRAPH.value}> {{ ?s <{EX}match> ?m }} }}"
    )
    assert int(row["n"].value) == count * 20


def test_empty_pieces_are_skipped(tmp_path: Path) -> None:
    built = build_store(tmp_path / "store", iter([(GRAPH, b""), *_pieces(2, 5), (GRAPH, b"")]))
    assert built.triples == 2 * 5 * 3


def test_text_the_engine_refuses_fails_the_load_and_keeps_the_old_version(
    tiny_root: Path,
) -> None:
    before = active_version(tiny_root)
    pieces = [*_pieces(AHEAD_PLUS, 10), (GRAPH, b"<http://example.org/s> not a triple\n")]
    pieces += _pieces(AHEAD_PLUS, 10)
    with pytest.raises(StoreError, match="refused"):
        build_store(tiny_root, iter(pieces))
    assert active_version(tiny_root) == before
    assert not [p for p in tiny_root.iterdir() if p.name.startswith(".building-")]


def test_a_producer_that_fails_midway_fails_the_load_and_keeps_the_old_version(
    tiny_root: Path,
) -> None:
    before = active_version(tiny_root)
    triples_before = LiveStore(tiny_root).get().triples

    def pieces() -> Iterator[tuple[NamedNode, bytes]]:
        yield from _pieces(AHEAD_PLUS, 10)
        raise BundleError("bad row", file="x.csv", line=7)

    with pytest.raises(BundleError, match="bad row"):
        build_store(tiny_root, pieces())
    assert active_version(tiny_root) == before
    assert LiveStore(tiny_root).get().triples == triples_before
    assert not [p for p in tiny_root.iterdir() if p.name.startswith(".building-")]


# --- Files that would lose data silently: each stops the load --------------------------------


def _refused(bundle: Path, root: Path, pattern: str) -> BundleError:
    """Load ``bundle`` into ``root``, which holds a served version: the load must fail with
    ``pattern`` and leave that version active and whole."""
    before = active_version(root)
    triples_before = LiveStore(root).get().triples
    with pytest.raises(BundleError, match=pattern) as caught:
        load_bundle(bundle, root)
    assert active_version(root) == before
    assert LiveStore(root).get().triples == triples_before
    return caught.value


def test_a_file_cut_mid_row_is_refused(tiny_root: Path, tiny_bundle: Path) -> None:
    path = tiny_bundle / "occupationSkillRelations_en.csv"
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b",") + 3])  # inside the last row's last cell
    error = _refused(tiny_bundle, tiny_root, "ends inside a row")
    assert error.file == "occupationSkillRelations_en.csv"
    assert error.line == data.count(b"\n")


def test_a_file_cut_inside_a_quoted_cell_is_refused(tiny_root: Path, tiny_bundle: Path) -> None:
    path = tiny_bundle / "occupations_en.csv"
    data = path.read_bytes()
    quote = data.index(b'"', data.index(b"\n"))  # the first quoted cell after the header
    path.write_bytes(data[: quote + 5])
    _refused(tiny_bundle, tiny_root, r"occupations_en.csv, line \d+: malformed CSV")


def test_a_quote_left_open_is_refused_not_swallowing_the_rest(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    tiny.append_line(tiny_bundle / "skills_en.csv", f'KnowledgeSkillCompetence,{tiny.SKILL}q,"open')
    _refused(tiny_bundle, tiny_root, "malformed CSV")


@pytest.mark.parametrize(
    "kind", ["occupations", "skills", "occupationSkillRelations", "ISCOGroups"]
)
def test_a_required_file_with_a_header_and_no_rows_is_refused(
    tiny_root: Path, tiny_bundle: Path, kind: str
) -> None:
    path = tiny_bundle / f"{kind}_en.csv"
    path.write_text(path.read_text().split("\n", 1)[0] + "\n")
    error = _refused(tiny_bundle, tiny_root, "a header and no rows")
    assert error.file == f"{kind}_en.csv"


def test_relations_of_another_release_are_refused(tiny_root: Path, tiny_bundle: Path) -> None:
    for n in range(150):
        tiny.append_line(
            tiny_bundle / "occupationSkillRelations_en.csv",
            f"{tiny.OCC}00000000-0000-4000-8000-{n:012d},essential,,{tiny.BUDGET}",
        )
    _refused(tiny_bundle, tiny_root, "150 of .* relations name a occupationUri")


@pytest.mark.parametrize(
    "uri", ["javascript:alert(1)", "file:///etc/passwd", "urn:uuid:0000", "ftp://x/y"]
)
def test_a_concept_uri_that_is_not_http_is_refused(
    tiny_root: Path, tiny_bundle: Path, uri: str
) -> None:
    number = tiny.append_line(
        tiny_bundle / "skills_en.csv", f"KnowledgeSkillCompetence,{uri},knowledge,,x,,,released"
    )
    error = _refused(tiny_bundle, tiny_root, "not an http")
    assert error.line == number


def test_nul_bytes_and_bare_carriage_returns_are_refused(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    path = tiny_bundle / "skills_en.csv"
    original = path.read_bytes()
    path.write_bytes(
        original + f"KnowledgeSkillCompetence,{tiny.SKILL}n,knowledge,,a\x00b\n".encode()
    )
    _refused(tiny_bundle, tiny_root, "NUL byte")
    path.write_bytes(
        original + f"KnowledgeSkillCompetence,{tiny.SKILL}r,knowledge,,a\rb\n".encode()
    )
    _refused(tiny_bundle, tiny_root, "carriage return without a line feed")


def test_a_zip_member_that_inflates_past_the_limit_is_refused(
    tiny_root: Path, tiny_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from loaders import tables

    archive = tmp_path / "esco.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for file in tiny_bundle.iterdir():
            if file.name != "occupationSkillRelations_en.csv":
                out.write(file, file.name)
        # 64 MiB of one byte: a few KB compressed.
        out.writestr(
            "occupationSkillRelations_en.csv", b"occupationUri,relationType\n" + b"x" * (64 << 20)
        )
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 16 << 20)
    _refused(archive, tiny_root, r"inflates to 67,108,891 bytes, over the 16,777,216")


def test_a_zip_member_that_lies_about_its_size_is_stopped_while_read(
    tiny_root: Path, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loaders import tables

    # A folder's files are read with the same counting reader as a zip's members, whose
    # headers may understate what they inflate to.
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 1000)
    _refused(tiny_bundle, tiny_root, "more than the 1,000 bytes")


def test_a_damaged_zip_is_named_so(tiny_root: Path, tiny_bundle: Path, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "esco.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for file in tiny_bundle.iterdir():
            out.write(file, file.name)
    archive.write_bytes(archive.read_bytes()[:-200])
    _refused(archive, tiny_root, "damaged zip")


def test_a_crlf_file_cut_between_cr_and_lf_is_called_cut_short(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    # The official occupations file has CRLF line ends; a cut can fall between the two.
    path = tiny_bundle / "occupations_en.csv"
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf[:-1])
    _refused(tiny_bundle, tiny_root, "ends inside a line end")
    path.write_bytes(crlf)
    result = load_bundle(tiny_bundle, tiny_root)  # whole CRLF files load
    assert result.report.rows["occupations"] == 6
