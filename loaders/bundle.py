"""Finding and reading the files of an ESCO CSV download (a folder or the ``.zip``).

The official download names its files ``<kind>_<language>.csv`` (``occupations_en.csv``,
``skills_de.csv``...), possibly inside a sub-folder of the zip. Cells may span lines
(alternative labels are newline-separated), so rows are read with :mod:`csv` and each is
reported with the physical line it starts on.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from graph.errors import BundleError

# Some cells (a concept scheme's hasTopConcept) hold thousands of URIs.
csv.field_size_limit(sys.maxsize)

_FILE_NAME = re.compile(r"^(?P<kind>[A-Za-z]+)_(?P<language>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.csv$")

REQUIRED_KINDS = ("occupations", "skills", "occupationSkillRelations", "ISCOGroups")

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The most a file of the download may hold (inflated, in a zip). The largest file of a
full ESCO release, its occupation-skill relations, is about 20 MB in one language."""


@dataclass(frozen=True)
class BundleFile:
    """One CSV file of the bundle."""

    kind: str
    language: str
    name: str  # as shown to people: the path inside the folder or zip
    size: int
    _open: Callable[[], IO[bytes]] = field(repr=False, compare=False)

    def open_binary(self) -> IO[bytes]:
        """The file's bytes."""
        return self._open()


PACK_KINDS = ("occupations", "skills", "ISCOGroups", "skillGroups")
"""The files of a language pack that a load reads: the labels and descriptions of the
concepts. The other files of a pack (relations, hierarchies, collections) are the main
bundle's business and are ignored."""


@dataclass(frozen=True)
class LabelPack:
    """The label files of one more language: the preferred, alternative and hidden labels
    and the descriptions of concepts the main bundle describes, in ``language``."""

    source: Path
    language: str
    files: dict[str, BundleFile]
    ignored: tuple[str, ...]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files.values())


@dataclass(frozen=True)
class Bundle:
    """The CSV files of one language of an ESCO download, by kind, and the label files of
    the other languages loaded with it (:class:`LabelPack`)."""

    source: Path
    language: str
    files: dict[str, BundleFile]
    ignored: tuple[str, ...]
    packs: tuple[LabelPack, ...] = ()

    @property
    def total_bytes(self) -> int:
        """The size of every file that will be read, the packs' included."""
        return sum(f.size for f in self.files.values()) + sum(p.total_bytes for p in self.packs)

    @property
    def languages(self) -> tuple[str, ...]:
        """The main language, then the packs' in the order given."""
        return (self.language, *(p.language for p in self.packs))


def open_bundle(path: Path, *, language: str | None = None, packs: Sequence[Path] = ()) -> Bundle:
    """Find the ESCO CSV files in a folder or zip, and the label files of more languages in
    the same folder and in ``packs`` (folders or zips of ``<kind>_<language>.csv`` files).

    The main language is ``language``, else the only one of the folder with every required
    file. Every other language of the folder, and every language of ``packs``, adds its
    labels and descriptions.

    :raises BundleError: if the path is missing, holds no ESCO files, holds several complete
        languages and none was chosen, or lacks a required file; if a pack holds no label
        files, or a language comes twice (the main one included).
    """
    candidates, ignored = _scan(path)
    by_language: dict[str, list[BundleFile]] = {}
    for candidate in candidates:
        by_language.setdefault(candidate.language, []).append(candidate)
    languages = sorted(by_language)
    if not languages:
        raise BundleError(
            f"{path} holds no ESCO CSV files (names like occupations_en.csv, skills_en.csv)"
        )
    if language is None:
        complete = [
            lang for lang in languages if set(REQUIRED_KINDS) <= {f.kind for f in by_language[lang]}
        ]
        if len(languages) > 1 and len(complete) != 1:
            raise BundleError(
                f"{path} holds several languages ({', '.join(languages)}): "
                "choose the main one with --language"
            )
        language = complete[0] if len(languages) > 1 else languages[0]
    else:
        language = language.lower()
        if language not in languages:
            raise BundleError(
                f"{path} has no files in language {language!r} (found: {', '.join(languages)})"
            )
    files = _by_kind(path, by_language[language])
    missing = [kind for kind in REQUIRED_KINDS if kind not in files]
    if missing:
        names = ", ".join(f"{kind}_{language}.csv" for kind in missing)
        raise BundleError(f"{path} lacks {names}")
    found = [_pack(path, lang, by_language[lang], []) for lang in languages if lang != language]
    for pack_path in packs:
        found.extend(open_packs(pack_path))
    seen = {language: str(path)}
    for pack in found:
        if pack.language in seen:
            raise BundleError(
                f"{pack.source} holds labels in {pack.language!r}, which "
                f"{seen[pack.language]} already gives: load each language once"
            )
        seen[pack.language] = str(pack.source)
    return Bundle(
        source=path, language=language, files=files, ignored=tuple(ignored), packs=tuple(found)
    )


def open_packs(path: Path) -> list[LabelPack]:
    """The language packs of a folder or zip: one per language its file names carry.

    :raises BundleError: if it holds no ESCO CSV files, or none of a language's files holds
        labels (:data:`PACK_KINDS`).
    """
    candidates, ignored = _scan(path)
    by_language: dict[str, list[BundleFile]] = {}
    for candidate in candidates:
        by_language.setdefault(candidate.language, []).append(candidate)
    if not by_language:
        raise BundleError(
            f"{path} holds no ESCO label files (names like occupations_fr.csv, skills_fr.csv)"
        )
    return [_pack(path, lang, files, ignored) for lang, files in sorted(by_language.items())]


def is_label_pack(path: Path) -> bool:
    """Whether ``path`` is a folder or zip holding ESCO CSV files (a language pack)."""
    try:
        candidates, _ = _scan(path)
    except BundleError:
        return False
    return any(c.kind in PACK_KINDS for c in candidates)


def _pack(path: Path, language: str, candidates: list[BundleFile], ignored: list[str]) -> LabelPack:
    files = _by_kind(path, candidates)
    labels = {kind: file for kind, file in files.items() if kind in PACK_KINDS}
    if not labels:
        raise BundleError(
            f"{path} holds no label files in {language!r} "
            f"({', '.join(f'{kind}_{language}.csv' for kind in PACK_KINDS)})"
        )
    others = [file.name for kind, file in sorted(files.items()) if kind not in PACK_KINDS]
    return LabelPack(path, language, labels, tuple(ignored) + tuple(others))


def _by_kind(path: Path, candidates: list[BundleFile]) -> dict[str, BundleFile]:
    files: dict[str, BundleFile] = {}
    for candidate in candidates:
        if candidate.kind in files:
            raise BundleError(
                f"{path} holds two {candidate.kind} files: {files[candidate.kind].name} "
                f"and {candidate.name}"
            )
        files[candidate.kind] = candidate
    return files


def _scan(path: Path) -> tuple[list[BundleFile], list[str]]:
    """The files of a folder or zip named like ESCO's, and the names of the others."""
    if not path.exists():
        raise BundleError(f"{path} does not exist")
    candidates: list[BundleFile] = []
    ignored: list[str] = []
    if path.is_dir():
        for file in sorted(path.rglob("*.csv")):
            _add_candidate(
                candidates,
                ignored,
                file.name,
                str(file.relative_to(path)),
                file.stat().st_size,
                _file_opener(file),
            )
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".csv"):
                    continue
                if info.file_size > MAX_FILE_BYTES:
                    raise BundleError(
                        f"inflates to {info.file_size:,} bytes, over the {MAX_FILE_BYTES:,} "
                        "a file of an ESCO download may hold",
                        file=f"{path}:{info.filename}",
                    )
                _add_candidate(
                    candidates,
                    ignored,
                    PurePosixPath(info.filename).name,
                    info.filename,
                    info.file_size,
                    _zip_opener(path, info.filename),
                )
    elif _looks_like_zip(path):
        raise BundleError(f"{path} is a damaged zip file (cut short?): download it again")
    else:
        raise BundleError(f"{path} is neither a folder nor a zip file")
    return candidates, ignored


def _add_candidate(
    candidates: list[BundleFile],
    ignored: list[str],
    base_name: str,
    shown: str,
    size: int,
    opener: Callable[[], IO[bytes]],
) -> None:
    match = _FILE_NAME.match(base_name)
    if match is None:
        ignored.append(shown)
        return
    candidates.append(BundleFile(match["kind"], match["language"].lower(), shown, size, opener))


def _looks_like_zip(path: Path) -> bool:
    if path.suffix.lower() == ".zip":
        return True
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: open(path, "rb")


def _zip_opener(path: Path, member: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        archive = zipfile.ZipFile(path)
        handle = archive.open(member)
        handle._skillgraph_archive = archive  # type: ignore[attr-defined]  # keep it open
        return handle

    return opener


class _TooLarge(Exception):
    """A file passed :data:`MAX_FILE_BYTES` as it was read (a zip's sizes can lie)."""


class _CountingReader(io.RawIOBase):
    """Passes bytes through and reports how many went by, for the progress bar; remembers
    the last byte, and stops a file past :data:`MAX_FILE_BYTES`."""

    def __init__(self, raw: IO[bytes], on_bytes: Callable[[int], None] | None) -> None:
        self._raw = raw
        self._on_bytes = on_bytes
        self.total = 0
        self.last = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        if data:
            self.total += len(data)
            self.last = data[-1:]
            if self.total > MAX_FILE_BYTES:
                raise _TooLarge
            if self._on_bytes is not None:
                self._on_bytes(len(data))
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


Row = dict[str, str]


def _line_ends_checked(lines: Iterator[str], file: BundleFile) -> Iterator[str]:
    """The physical lines of a file (LF or CRLF ended), refusing a bare CR. A CR at the
    very end is a CRLF cut in two: the file was cut short."""
    previous: str | None = None
    number = 0
    for number, line in enumerate(lines, 1):
        if previous is not None:
            if previous.endswith("\r"):
                raise BundleError(
                    "a carriage return without a line feed (old Mac line ends, or a stray CR "
                    "that would split the row)",
                    file=file.name,
                    line=number - 1,
                )
            yield previous
        previous = line
    if previous is not None:
        if previous.endswith("\r"):
            raise BundleError(
                "the file ends inside a line end (a CR without its LF): it was cut short",
                file=file.name,
                line=number,
            )
        yield previous


def read_rows(
    file: BundleFile,
    *,
    required: tuple[str, ...],
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, Row]]:
    """The rows of a CSV file as ``(line, {column: cell})``, ``line`` being where the row
    starts (1 is the header). Missing trailing cells read as empty strings (the official
    skillsHierarchy file leaves them out).

    :raises BundleError: on a missing column, a row with too many cells, bytes that are not
        UTF-8, CSV that cannot be parsed (a quoted cell the file ends inside, included), a
        NUL byte in a cell, a carriage return without a line feed (which :mod:`csv` would
        take for the end of a row), a file that does not end with a line end (cut short
        mid-row), or one larger than :data:`MAX_FILE_BYTES`.
    """
    raw = _CountingReader(file.open_binary(), on_bytes)
    text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding="utf-8-sig", newline="")
    reader = csv.reader(_line_ends_checked(text, file), strict=True)
    line = 1
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise BundleError("the file is empty", file=file.name, line=1) from None
        header = [h.strip() for h in header]
        absent = [c for c in required if c not in header]
        if absent:
            raise BundleError(
                f"missing column{'s' if len(absent) > 1 else ''} {', '.join(absent)} "
                f"(the header has: {', '.join(header)})",
                file=file.name,
                line=1,
            )
        width = len(header)
        # Each row is handed on once the next is read: the last only once the file is known
        # to end with a line end, so that a row cut short is never loaded.
        pending: tuple[int, Row] | None = None
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                if raw.total and raw.last not in (b"\n", b"\r"):
                    raise BundleError(
                        "the file ends inside a row (no line end after it): it was cut short",
                        file=file.name,
                        line=pending[0] if pending else line,
                    ) from None
                if pending is not None:
                    yield pending
                return
            if not cells:
                continue
            if "\x00" in "".join(cells):
                raise BundleError("a NUL byte inside a cell", file=file.name, line=line)
            if len(cells) > width:
                raise BundleError(
                    f"{len(cells)} cells where the header has {width} columns",
                    file=file.name,
                    line=line,
                )
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            if pending is not None:
                yield pending
            pending = (line, dict(zip(header, cells, strict=True)))
    except csv.Error as error:
        reason = f"malformed CSV: {error}"
        if "unexpected end of data" in str(error):
            reason += " (the file ends inside a quoted cell: cut short, or a quote left open)"
        raise BundleError(reason, file=file.name, line=line) from None
    except UnicodeDecodeError as error:
        raise BundleError(f"not UTF-8 text: {error.reason}", file=file.name, line=line) from None
    except _TooLarge:
        raise BundleError(
            f"holds more than the {MAX_FILE_BYTES:,} bytes a file of an ESCO download may hold",
            file=file.name,
            line=line,
        ) from None
    finally:
        text.close()
