"""Index files that hold data and nothing else: numpy arrays and JSON, read without pickle.

A store version's indexes (:mod:`graph.version`) are written beside it by the load and read
by every server that switches to it. The folder is data, and data must never be able to run
code, so the file is not a pickle: it is a numpy ``.npz`` archive read with
``allow_pickle=False``, holding

- ``tree``: the indexes as JSON (UTF-8 bytes), in which each object is tagged with the name
  of its class; only the classes listed in :data:`CLASSES` (plain-data classes of this
  project, and bm25s's index) can be named, and they are made without calling anything of
  the file's choosing (``object.__new__`` and the instance's ``__dict__``, or the class's own
  ``__setstate__``);
- ``a0``, ``a1``, ...: the numpy arrays (numeric and fixed-width text dtypes only);
- for long lists of strings, their lines as one UTF-8 array;
- ``big``: the bytes of the Python integers too large for JSON (the career index's skill bit
  sets), as ``int.from_bytes`` reads them.

An object held in several places (the occupations both the search and the career index
hold) is written once and named by its number after that, so it is read back as one object.
Long homogeneous lists are written as columns (a list of tuples of scalars as one list per
position, a list of same-class objects as one list per field), so that reading the full
classification's indexes is a handful of C-speed JSON and numpy calls, not a walk over a
million nodes.

A file that does not hold what this code writes (another format, a damaged or forged file)
raises :class:`IndexFileError`; the caller then builds the indexes afresh. Whatever a file
holds, reading it runs no code the file chooses, and takes memory in proportion to the
file's size: each array may be read once, the big integers once each in the order they were
written, and compressed members are refused. Objects of the dataclasses must have every
field; :meth:`graph.version.Indexes.check` then asks the indexes a question of each sort. A
forged file that passes all that can still hold wrong data.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bm25s  # type: ignore[import-untyped]
import numpy as np

FORMAT = "skillgraph-indexes/2"
"""What the file's ``tree`` says it is; bumped when the encoding changes."""

_SMALL = 1 << 62
_LINES = 64
"""Lists of at least this many strings are written as the lines of one UTF-8 array, which
reads back in one ``split`` instead of as JSON."""
_SCALARS = (str, float, bool, type(None))


class IndexFileError(Exception):
    """The file is not an index file this code can read."""


def _allowed() -> dict[str, type]:
    # Imported here: the index modules are this module's callers' concern, not its own.
    from graph import careers, languages, preparation, ranking, search, suggest, version

    classes: list[type] = [
        search.OccupationFacts,
        search.JoinedLabels,
        search.LabelIndex,
        search.SkillFacts,
        search.SkillIndex,
        careers.CareerIndex,
        suggest.Concept,
        suggest.Suggester,
        suggest._Suffixes,
        ranking.Analyzer,
        ranking.Ranker,
        languages.Translations,
        preparation.Preparation,
        version.Facets,
        version.Texts,
        version.IscoFacts,
        version.IscoGroups,
        version.Indexes,
        bm25s.BM25,
    ]
    return {f"{c.__module__}.{c.__qualname__}": c for c in classes}


_CLASSES: dict[str, type] | None = None


def classes() -> dict[str, type]:
    """The classes an index file may name, by module and name: nothing else is made."""
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _allowed()
    return _CLASSES


def _name(value: object) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _is_small(value: object) -> bool:
    return isinstance(value, _SCALARS) or (type(value) is int and -_SMALL < value < _SMALL)


class _Writer:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.big = bytearray()
        self.allowed = classes()
        self.seen: dict[int, int] = {}
        """id() of each object written -> its number, in the order written"""
        self.kept: list[object] = []  # so that no id() is reused while writing

    def value(self, value: Any) -> Any:
        if _is_small(value):
            return value
        kind = type(value)
        if kind is int:
            return {"$big": self._big([value])}
        if kind is list:
            return self.items(value)
        if kind is tuple:
            return {"$t": self.items(list(value))}
        if kind is dict:
            return {"$d": [self.items(list(value)), self.items(list(value.values()))]}
        if kind in (set, frozenset):
            items = sorted(value, key=repr)
            return {"$set" if kind is set else "$fset": self.items(items)}
        if isinstance(value, np.ndarray):
            if value.dtype.hasobject:
                raise TypeError("an index array of Python objects cannot be written")
            return {"$a": self._array(value)}
        name = _name(value)
        if name not in self.allowed:
            raise TypeError(f"{name} is not a class index files may hold")
        if id(value) in self.seen:  # held in two places: written once, then named
            return {"$ref": self.seen[id(value)]}
        self._number(value)
        return {"$o": name, "s": self.value(_state(value))}

    def _number(self, value: object) -> None:
        self.seen[id(value)] = len(self.kept)
        self.kept.append(value)

    def items(self, items: list[Any]) -> Any:
        if len(items) >= _LINES and all(type(v) is int and -_SMALL < v < _SMALL for v in items):
            return {"$ints": self._array(np.array(items, dtype=np.int64))}
        if len(items) >= _LINES and all(type(v) is str and "\n" not in v for v in items):
            return {"$lines": self._array("\n".join(items).encode())}
        if all(_is_small(v) for v in items):
            return {"$s": items}
        if all(type(v) is int for v in items):
            return {"$bigs": self._big(items)}
        first = items[0]
        if type(first) is tuple and all(
            type(v) is tuple and len(v) == len(first) and all(_is_small(x) for x in v)
            for v in items
        ):
            return {"$ts": [list(column) for column in zip(*items, strict=True)]}
        name = _name(first)
        if name in self.allowed and not _custom_state(type(first)):
            fields = list(vars(first))
            if all(
                _name(v) == name
                and id(v) not in self.seen
                and list(vars(v)) == fields
                and all(_is_small(x) for x in vars(v).values())
                for v in items
            ) and len({id(v) for v in items}) == len(items):
                columns = [[vars(v)[f] for v in items] for f in fields]
                for v in items:
                    self._number(v)
                return {"$os": name, "f": fields, "c": columns}
        return [self.value(v) for v in items]

    def _array(self, value: np.ndarray | bytes) -> str:
        name = f"a{len(self.arrays)}"
        if isinstance(value, bytes):
            value = np.frombuffer(value, dtype=np.uint8)
        self.arrays[name] = value
        return name

    def _big(self, values: list[int]) -> list[int]:
        """Append ``values`` to the big-integer bytes; their end offsets, after the start."""
        ends = [len(self.big)]
        for value in values:
            self.big += value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
            ends.append(len(self.big))
        return ends


def _custom_state(kind: type) -> bool:
    return "__getstate__" in vars(kind)


def _state(value: Any) -> Any:
    if _custom_state(type(value)):
        return value.__getstate__()
    return dict(vars(value))


class _Reader:
    def __init__(
        self, arrays: dict[str, np.ndarray], big: bytes, strings: dict[str, str] | None = None
    ) -> None:
        self.arrays = arrays
        self.big = big
        self.allowed = classes()
        self.made: list[object] = []
        """the objects read, numbered as the writer numbered them"""
        self.big_read = 0
        """how far into :attr:`big` the integers read so far go"""
        self.strings: dict[str, str] = {} if strings is None else strings
        """every string read, once (and those of the files read before with the same
        table, say the other releases of a store version): the indexes hold the same label
        in several places (the labels, the ranked labels, the searches' texts), one object
        when they were built; without this, each place would hold a copy of its own"""
        self.readers: dict[str, Callable[[Any], Any]] = {
            "$s": self._shared,
            "$t": lambda items: tuple(self.value(items)),
            "$d": lambda pair: dict(zip(self.value(pair[0]), self.value(pair[1]), strict=True)),
            "$set": lambda items: set(self.value(items)),
            "$fset": lambda items: frozenset(self.value(items)),
            "$a": self._array,
            "$ints": lambda name: self._array(name).tolist(),
            "$lines": lambda name: self._lines(self._array(name).tobytes().decode().split("\n")),
            "$big": lambda ends: self._ints(ends)[0],
            "$bigs": self._ints,
            "$ts": lambda columns: list(zip(*map(self._shared, columns), strict=True)),
        }

    def value(self, value: Any) -> Any:
        if type(value) is list:
            return [self.value(v) for v in value]
        if type(value) is not dict:
            return value
        if "$o" in value:
            return self._object(value["$o"], value["s"])
        if "$ref" in value:
            number = value["$ref"]
            if type(number) is not int or not 0 <= number < len(self.made):
                raise IndexFileError(f"no object {number!r} before this one")
            return self.made[number]
        if "$os" in value:
            return self._objects(value["$os"], value["f"], value["c"])
        if len(value) != 1:
            raise IndexFileError(f"unknown entry with keys {sorted(value)[:5]}")
        [(tag, body)] = value.items()
        reader = self.readers.get(tag)
        if reader is None:
            raise IndexFileError(f"unknown entry {tag!r}")
        return reader(body)

    def _class(self, name: str) -> type:
        kind = self.allowed.get(name)
        if kind is None:
            raise IndexFileError(f"{name!r} is not a class index files may hold")
        return kind

    def _object(self, name: str, state: Any) -> Any:
        kind = self._class(name)
        made: Any = object.__new__(kind)
        self.made.append(made)
        state = self.value(state)
        if _custom_state(kind):
            made.__setstate__(state)
        elif type(state) is dict:
            _has_fields(kind, state)
            vars(made).update(state)
        else:
            raise IndexFileError(f"the state of {name} is not a mapping")
        return made

    def _objects(self, name: str, fields: list[str], columns: list[list[Any]]) -> list[Any]:
        kind = self._class(name)
        _has_fields(kind, dict.fromkeys(fields))
        made = []
        for row in zip(*map(self._shared, columns), strict=True):
            item: Any = object.__new__(kind)
            vars(item).update(zip(fields, row, strict=True))
            made.append(item)
        self.made.extend(made)
        return made

    def _lines(self, lines: list[str]) -> list[str]:
        return list(map(self.strings.setdefault, lines, lines))

    def _shared(self, items: list[Any]) -> list[Any]:
        memo = self.strings
        return [memo.setdefault(v, v) if type(v) is str else v for v in items]

    def _array(self, name: str) -> np.ndarray:
        """The array ``name``, once: the writer writes an array for each place that holds
        one, so a file naming an array twice is not one it wrote (and could make the reader
        build the same long list over and over, far past the file's size)."""
        try:
            return self.arrays.pop(name)
        except (KeyError, TypeError):
            raise IndexFileError(f"the file has no array {name!r}, or names it twice") from None

    def _ints(self, ends: list[int]) -> list[int]:
        """Integers from the big-integer bytes, which the writer appends in the order it
        writes them: each range must start where the last one read ended."""
        if (
            not ends
            or ends[0] != self.big_read
            or any(type(e) is not int for e in ends)
            or any(b < a for a, b in itertools.pairwise(ends))
            or ends[-1] > len(self.big)
        ):
            raise IndexFileError("big integers out of the order they were written in")
        self.big_read = ends[-1]
        big = self.big
        return [
            int.from_bytes(big[start:end], "little", signed=True)
            for start, end in itertools.pairwise(ends)
        ]


def write(path: Path, value: object, *, fingerprint: str) -> None:
    """Write ``value`` (built of the classes in :func:`classes`, plain Python data and numpy
    arrays) to ``path``, atomically: a reader sees the old file or the whole new one."""
    writer = _Writer()
    tree = {"format": FORMAT, "fingerprint": fingerprint, "root": writer.value(value)}
    text = json.dumps(tree, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        arrays = {
            "tree": np.frombuffer(text.encode(), dtype=np.uint8),
            "big": np.frombuffer(bytes(writer.big), dtype=np.uint8),
            **writer.arrays,
        }
        save: Callable[..., None] = np.savez  # its stubs type **arrays as its flag's type
        save(out, **arrays)  # no object arrays: the writer refuses them
        out.flush()
        os.fsync(out.fileno())
    partial.rename(path)


def _has_fields(kind: type, state: dict[str, Any]) -> None:
    """Refuse the state of a dataclass that lacks one of its fields."""
    if dataclasses.is_dataclass(kind):
        missing = {f.name for f in dataclasses.fields(kind)} - set(state)
        if missing:
            raise IndexFileError(f"{kind.__name__} lacks {', '.join(sorted(missing))}")


def _stored_only(path: Path) -> None:
    """Refuse an archive whose members are compressed, or say they are larger than the file:
    the writer stores them as they are, and a compressed member could unpack to far more
    memory than the file takes on disk."""
    size = path.stat().st_size
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    if any(m.compress_type != zipfile.ZIP_STORED for m in members):
        raise IndexFileError("its arrays are compressed, which the writer never does")
    if sum(m.file_size for m in members) > size:
        raise IndexFileError("its arrays are larger than the file")


def _json(text: bytes) -> Any:
    collecting = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text)
    finally:
        if collecting:
            gc.enable()


def read(path: Path, *, fingerprint: str, strings: dict[str, str] | None = None) -> Any:
    """What :func:`write` wrote to ``path``.

    :raises FileNotFoundError: if there is no file.
    :raises IndexFileError: if the file is not one this code wrote with ``fingerprint``
        (then the indexes are to be built afresh).
    """
    try:
        _stored_only(path)
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:  # not an archive
        raise IndexFileError(f"not an index file: {error}") from error
    try:
        tree = _json(arrays.pop("tree").tobytes())
        big = arrays.pop("big").tobytes()
    except (KeyError, ValueError, RecursionError) as error:  # RecursionError: nested too deep
        raise IndexFileError(f"not an index file: {error}") from error
    if not isinstance(tree, dict) or tree.get("format") != FORMAT:
        raise IndexFileError("written in another format")
    if tree.get("fingerprint") != fingerprint:
        raise IndexFileError("made by other code")
    # Hundreds of thousands of new objects, none of them garbage: the collector's passes
    # over them would take a third of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Reader(arrays, big, strings).value(tree.get("root"))
    except (
        TypeError,
        ValueError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
        MemoryError,
    ) as error:
        raise IndexFileError(f"damaged: {error}") from error
    finally:
        if collecting:
            gc.enable()
