"""Switching a served store to a new version: prepared in the background, in order, and
never to a version that cannot be opened."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from pyoxigraph import Store

from graph import indexfile, prepare
from graph.catalog import Catalog
from graph.releases import UNNAMED
from graph.store import ACTIVE, LiveStore, OpenStore, PerVersion, active_version
from graph.version import Indexes
from service import answers
from skillgraph.pipeline import load_bundle
from tests.conftest import eventually


class Gate:
    """A ``prepare`` that records the stores it gets and holds each until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.prepared: list[Store] = []

    def prepare(self, opened: OpenStore) -> None:
        self.prepared.append(opened.store)
        self.release.wait(10)

    def follow(self, root: Path) -> LiveStore:
        """A live store on ``root`` that checks on every request and prepares through this."""
        return LiveStore(root, check_every=0, prepare=self.prepare)


def test_requests_answer_from_the_old_version_while_the_new_one_is_prepared(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    gate = Gate()
    prepared, release = gate.prepared, gate.release
    live = gate.follow(tiny_root)
    old = live.get()
    load_bundle(tiny_bundle, tiny_root)
    assert live.get() is old  # noticed: preparation starts in the background
    eventually(lambda: len(prepared) == 1, "the new version was not prepared")
    started = time.monotonic()
    assert live.get() is old  # still preparing: the old version answers, without waiting
    assert time.monotonic() - started < 5  # waiting, it would wait for the gate's 10 s
    release.set()
    eventually(lambda: live.get() is not old, "the server did not switch")
    new = live.get()
    assert new.path == active_version(tiny_root) != old.path
    assert prepared == [new.store]  # prepared once, and it is what requests now get


def test_a_version_published_during_a_preparation_follows_it(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    gate = Gate()
    prepared, release = gate.prepared, gate.release
    live = gate.follow(tiny_root)
    others = set(threading.enumerate())
    load_bundle(tiny_bundle, tiny_root)
    live.get()
    eventually(lambda: len(prepared) == 1, "the first new version was not prepared")
    load_bundle(tiny_bundle, tiny_root)  # a second one while the first is being prepared
    live.get()
    # One preparation at a time: the request that noticed the second started none of its own
    # (a preparation thread starts before the request that notices the version returns).
    preparing = [t for t in threading.enumerate() if t not in others and "prepare" in t.name]
    assert len(preparing) == 1
    assert len(prepared) == 1
    release.set()
    newest = active_version(tiny_root)
    eventually(lambda: live.get().path == newest, "the newest version was not reached")
    assert len(prepared) == 2


def test_a_failed_preparation_still_switches_and_is_logged(
    tiny_root: Path, tiny_bundle: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def prepare(opened: OpenStore) -> None:
        raise RuntimeError("index build failed")

    live = LiveStore(tiny_root, check_every=0, prepare=prepare)
    old = live.get()
    load_bundle(tiny_bundle, tiny_root)
    live.get()
    eventually(lambda: live.get() is not old, "the server did not switch")
    assert "index build failed" in caplog.text


def test_a_version_that_cannot_be_opened_is_skipped_and_the_old_one_kept(
    tiny_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[OpenStore] = []
    live = LiveStore(tiny_root, check_every=0, prepare=calls.append)
    old = live.get()
    damaged = tiny_root / "v-999999-damaged"
    shutil.copytree(old.path, damaged)
    for manifest in damaged.glob("MANIFEST-*"):
        manifest.write_bytes(b"not a manifest")
    link = tiny_root / "next-link"
    link.symlink_to(damaged.name)
    os.replace(link, tiny_root / ACTIVE)
    assert live.get() is old
    eventually(lambda: "not switching to v-999999-damaged" in caplog.text, "nothing was logged")
    for _ in range(5):  # not tried again on every check
        assert live.get() is old
    assert calls == []
    assert caplog.text.count("not switching") == 1


def test_the_request_that_notices_a_new_version_opens_it_without_prepare(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    live = LiveStore(tiny_root, check_every=0)
    old = live.get()
    load_bundle(tiny_bundle, tiny_root)
    new = live.get()
    assert isinstance(new, OpenStore) and new is not old
    assert new.path == active_version(tiny_root)


def test_per_version_values_keep_the_two_newest_versions() -> None:
    built: list[Store] = []

    def build(store: Store) -> int:
        built.append(store)
        return len(built)

    cache = PerVersion(build)
    first, second, third = Store(), Store(), Store()
    assert cache.get(first) == 1
    assert cache.get(second) == 2
    # Requests on the old version and on the one being prepared both find theirs.
    assert [cache.get(first), cache.get(second), cache.get(first)] == [1, 2, 1]
    assert cache.get(third) == 3  # the oldest goes
    assert cache.get(second) == 2
    assert cache.get(first) == 4
    assert built == [first, second, third, first]


# --- The indexes a load writes beside its version (graph.prepare) ---------------------------

INDEX = prepare.index_file(UNNAMED)
"""The index file of the tiny bundle's release (its folder does not name one)."""


def _content(indexes: Indexes) -> tuple[object, ...]:
    careers, translations, texts = indexes.careers, indexes.translations, indexes.texts
    return (
        indexes.occupations.search("", limit=10_000),
        indexes.occupations.search("producer", limit=10),
        indexes.suggester.suggest("a", limit=50, types=frozenset({"occupation", "skill"})),
        careers.occupations,
        careers.skills,
        careers.essential,
        careers.required,
        careers.moves,
        indexes.skills.labels,
        indexes.skills.label_languages,
        indexes.skills.search("budgets", limit=10),
        translations.labels,
        texts.alt_labels,
        texts.descriptions,
        texts.codes,
        texts.isco_groups,
        texts.isco_labels,
        indexes.facets.positions,
        indexes.summary,
        indexes.has_mappings,
        indexes.languages,
    )


def test_a_load_writes_the_indexes_servers_read_and_they_are_the_stores(
    tiny_root: Path,
) -> None:
    version = active_version(tiny_root)
    assert (version / INDEX).is_file()
    assert not list(version.glob("*.partial"))
    written = prepare.read(version, UNNAMED)
    assert written is not None
    assert _content(written) == _content(prepare.build(version, UNNAMED))
    assert written.careers.occupations  # not empty indexes
    assert written.texts.descriptions


def test_a_server_reads_the_versions_indexes_instead_of_building_them(
    tiny_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_build(path: Path, **options: object) -> Indexes:
        raise AssertionError("built although the load wrote them")

    monkeypatch.setattr(prepare, "build_apart", no_build)
    live = LiveStore(tiny_root)
    catalog = Catalog()
    catalog.prepare(live.get())
    found = answers.occupation_hits(catalog.search_occupations(live.get().latest, "", limit=3))
    assert len(found["items"]) == 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda file: file.unlink(),
        lambda file: indexfile.write(
            file, prepare.build(file.parent, UNNAMED), fingerprint="older code"
        ),
        lambda file: file.write_bytes(file.read_bytes()[:1000]),
        lambda file: file.write_bytes(b"\x80\x05 a pickle of the indexes, as older versions wrote"),
    ],
    ids=["absent", "made by other code", "cut short", "not an archive"],
)
def test_indexes_that_are_absent_stale_or_damaged_are_built_afresh(
    tiny_root: Path, damage: Callable[[Path], object]
) -> None:
    version = active_version(tiny_root)
    expected = _content(prepare.build(version, UNNAMED))
    damage(version / INDEX)
    assert prepare.read(version, UNNAMED) is None
    live = LiveStore(tiny_root)
    catalog = Catalog()
    catalog.prepare(live.get())  # builds them in a child process
    assert _content(catalog.indexes(live.get().latest)) == expected


class _Payload:
    """Unpickled, it would create a file: a forged index file that runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.touch, (self.marker,))


def _forge(file: Path, marker: Path, how: str) -> None:
    """An index file written by someone who can write the store folder, to run code."""
    if how == "object array":  # numpy pickles object arrays unless told not to
        payload = np.array([_Payload(marker)], dtype=object)
        with file.open("wb") as out:
            np.savez(
                out, tree=np.frombuffer(b"{}", np.uint8), big=np.zeros(0, np.uint8), a0=payload
            )
        return
    if how == "nested too deep":  # JSON that a reader's recursion would not survive
        tree_text = b'{"format": "' + indexfile.FORMAT.encode() + b'", "root": ' + b"[" * 100_000
        with file.open("wb") as out:
            np.savez(out, tree=np.frombuffer(tree_text, np.uint8), big=np.zeros(0, np.uint8))
        return
    # a tree naming a callable instead of one of the plain-data classes
    tree = {
        "format": indexfile.FORMAT,
        "fingerprint": prepare.FINGERPRINT,
        "root": {"$o": "pathlib.Path.touch", "s": {"$s": [str(marker)]}},
    }
    with file.open("wb") as out:
        np.savez(
            out,
            tree=np.frombuffer(json.dumps(tree).encode(), np.uint8),
            big=np.zeros(0, np.uint8),
        )


@pytest.mark.parametrize("how", ["object array", "class not allowed", "nested too deep"])
def test_an_index_file_cannot_make_a_server_run_code(
    tiny_root: Path, tmp_path: Path, how: str
) -> None:
    version = active_version(tiny_root)
    marker = tmp_path / "ran"
    _forge(version / INDEX, marker, how)
    assert prepare.read(version, UNNAMED) is None  # refused, and built afresh by the caller
    catalog = Catalog()
    live = LiveStore(tiny_root)
    catalog.prepare(live.get())
    assert answers.occupation_hits(catalog.search_occupations(live.get().latest, "", limit=1))[
        "items"
    ]
    assert not marker.exists()


def _write_tree(file: Path, root: object, *, compressed: bool = False, **arrays: object) -> None:
    """An index file with this code's format and fingerprint holding ``root``."""
    tree = {"format": indexfile.FORMAT, "fingerprint": prepare.FINGERPRINT, "root": root}
    save = np.savez_compressed if compressed else np.savez
    with file.open("wb") as out:
        save(
            out,
            tree=np.frombuffer(json.dumps(tree).encode(), np.uint8),
            big=np.zeros(0, np.uint8),
            **arrays,  # type: ignore[arg-type]
        )


def _all_but(field: str, value: object) -> dict[str, object]:
    """The state of an Indexes with every field, ``field`` holding ``value``, the others 0."""
    names = [f.name for f in dataclasses.fields(Indexes)]
    return {"$d": [{"$s": names}, {"$s": [value if name == field else 0 for name in names]}]}


@pytest.mark.parametrize(
    "how",
    ["array named many times", "compressed", "fields missing", "a field of the wrong kind"],
)
def test_a_forged_index_file_of_the_right_format_is_refused(
    tiny_root: Path, tmp_path: Path, how: str
) -> None:
    file = tmp_path / "indexes.npz"
    lines = np.frombuffer("\n".join(["x" * 100] * 1000).encode(), np.uint8)
    if how == "array named many times":  # a few KB that would read as 100 MB
        _write_tree(file, [{"$lines": "a0"}] * 10_000, a0=lines)
    elif how == "compressed":  # a zip bomb's way
        _write_tree(file, {"$lines": "a0"}, compressed=True, a0=lines)
    elif how == "fields missing":
        _write_tree(
            file, {"$o": "graph.version.Indexes", "s": {"$d": [{"$s": ["careers"]}, {"$s": [5]}]}}
        )
    else:
        _write_tree(file, {"$o": "graph.version.Indexes", "s": _all_but("careers", 5)})
    if how in ("array named many times", "compressed", "fields missing"):
        with pytest.raises(indexfile.IndexFileError):
            indexfile.read(file, fingerprint=prepare.FINGERPRINT)
    version = active_version(tiny_root)
    shutil.copyfile(file, version / INDEX)
    assert prepare.read(version, UNNAMED) is None  # refused: the caller builds them afresh


def test_the_index_file_reads_back_what_was_written(tiny_root: Path, tmp_path: Path) -> None:
    built = prepare.build(active_version(tiny_root), UNNAMED)
    file = tmp_path / "indexes.npz"
    indexfile.write(file, built, fingerprint="this code")
    back = indexfile.read(file, fingerprint="this code")
    assert isinstance(back, Indexes)
    assert _content(back) == _content(built)
    assert back.careers.essential == built.careers.essential  # the bit sets, whole
    # The occupations both indexes hold are one set of objects, after reading too.
    first = back.careers.occupations[0]
    assert back.occupations.occupations[first.uri] is first
    with pytest.raises(indexfile.IndexFileError, match="other code"):
        indexfile.read(file, fingerprint="other code")


def test_the_previous_version_is_retired_after_the_grace_period(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    retired: list[tuple[Store, float]] = []
    live = LiveStore(
        tiny_root,
        check_every=0,
        prepare=lambda opened: None,
        retire=lambda opened: retired.append((opened.store, time.monotonic())),
        grace=0.5,
    )
    old = live.get()
    load_bundle(tiny_bundle, tiny_root)
    published = time.monotonic()  # the switch, and the grace period, start after this
    live.get()
    eventually(lambda: live.get() is not old, "the server did not switch")
    eventually(lambda: len(retired) == 1, "the old version was not retired")
    ((store, at),) = retired
    assert store is old.store
    assert at - published >= 0.5  # not before: requests on the old version may still run


def test_a_forgotten_version_is_built_again_if_asked_and_the_others_are_kept() -> None:
    built: list[Store] = []

    def build(store: Store) -> int:
        built.append(store)
        return len(built)

    cache = PerVersion(build)
    old, new = Store(), Store()
    assert (cache.get(old), cache.get(new)) == (1, 2)
    cache.forget(old)
    assert cache.get(new) == 2  # kept
    assert cache.get(old) == 3  # dropped: built again
    assert built == [old, new, old]
