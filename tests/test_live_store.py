"""Switching a served store to a new version: prepared in the background, in order, and
never to a version that cannot be opened."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import Store

from graph import prepare
from graph.catalog import Catalog
from graph.store import ACTIVE, LiveStore, OpenStore, PerVersion, active_version
from skillgraph.pipeline import load_bundle


def eventually(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


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
    assert time.monotonic() - started < 1
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
    load_bundle(tiny_bundle, tiny_root)
    live.get()
    eventually(lambda: len(prepared) == 1, "the first new version was not prepared")
    load_bundle(tiny_bundle, tiny_root)  # a second one while the first is being prepared
    live.get()
    time.sleep(0.1)
    assert len(prepared) == 1  # one preparation at a time
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


def _content(indexes: prepare.Indexes) -> tuple[object, ...]:
    labels, careers, suggester, translations = indexes
    return (
        labels.search("", limit=10_000),
        suggester.suggest("a", limit=50, types=frozenset({"occupation", "skill"})),
        careers.occupations,
        careers.skills,
        careers.essential,
        careers.required,
        careers.moves,
        careers.labels,
        careers.label_languages,
        translations.labels,
    )


def test_a_load_writes_the_indexes_servers_read_and_they_are_the_stores(
    tiny_root: Path,
) -> None:
    version = active_version(tiny_root)
    assert (version / prepare.INDEX_FILE).is_file()
    assert not list(version.glob("*.partial"))
    written = prepare.read(version)
    assert written is not None
    assert _content(written) == _content(prepare.build(version))
    assert written[1].occupations  # not two empty indexes


def test_a_server_reads_the_versions_indexes_instead_of_building_them(
    tiny_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_build(path: Path, **options: object) -> prepare.Indexes:
        raise AssertionError("built although the load wrote them")

    monkeypatch.setattr(prepare, "build_apart", no_build)
    live = LiveStore(tiny_root)
    catalog = Catalog()
    catalog.prepare(live.get())
    found = catalog.search_occupations(live.get().store, "", limit=3)
    assert len(found["items"]) == 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda file: file.unlink(),
        lambda file: file.write_bytes(b"an older fingerprint\n" + file.read_bytes()[65:]),
        lambda file: file.write_bytes(file.read_bytes()[:1000]),
    ],
    ids=["absent", "made by other code", "cut short"],
)
def test_indexes_that_are_absent_stale_or_damaged_are_built_afresh(
    tiny_root: Path, damage: Callable[[Path], object]
) -> None:
    version = active_version(tiny_root)
    expected = _content(prepare.build(version))
    damage(version / prepare.INDEX_FILE)
    assert prepare.read(version) is None
    live = LiveStore(tiny_root)
    catalog = Catalog()
    catalog.prepare(live.get())  # builds them in a child process
    store = live.get().store
    labels, careers = catalog._labels.get(store), catalog._careers.get(store)
    indexes = (labels, careers, catalog._suggester.get(store), catalog.translations(store))
    assert _content(indexes) == expected


def test_the_previous_version_is_retired_after_the_grace_period(
    tiny_root: Path, tiny_bundle: Path
) -> None:
    retired: list[Store] = []
    live = LiveStore(
        tiny_root, check_every=0, prepare=lambda opened: None, retire=retired.append, grace=0.2
    )
    old = live.get()
    load_bundle(tiny_bundle, tiny_root)
    live.get()
    eventually(lambda: live.get() is not old, "the server did not switch")
    assert retired == []  # requests on the old version may still be running
    eventually(lambda: retired == [old.store], "the old version was not retired")


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
