"""Finding and reading the files of an ESCO CSV download (a folder or the ``.zip``).

The official download names its files ``<kind>_<language>.csv`` (``occupations_en.csv``,
``skills_de.csv``...), possibly inside a sub-folder of the zip. Releases before v1.2.0 come
as two zips: the language's files, and the language-independent relations
(``occupationSkillRelations.csv``, ``broaderRelationsOccPillar.csv``... without a language
suffix), with spaces in the zips' names. A folder is read with the zips it holds, so the
folder of a download, as it comes, is a bundle. Cells may span lines (alternative labels are
newline-separated); rows are read by :mod:`loaders.tables`, the reader every loader shares,
and each is reported with the physical line it starts on.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import IO

from graph.errors import BundleError
from loaders import tables
from loaders.tables import Row

_FILE_NAME = re.compile(r"^(?P<kind>[A-Za-z]+)_(?P<language>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.csv$")

REQUIRED_KINDS = ("occupations", "skills", "occupationSkillRelations", "ISCOGroups")

NEUTRAL_KINDS = (
    "occupationSkillRelations",
    "broaderRelationsOccPillar",
    "broaderRelationsSkillPillar",
    "skillSkillRelations",
)
"""The files that hold no text, which releases before v1.2.0 name without a language
(``occupationSkillRelations.csv``): they go with the main language's files."""
_NEUTRAL_NAME = re.compile(rf"^(?P<kind>{'|'.join(NEUTRAL_KINDS)})\.csv$")


@dataclass(frozen=True)
class BundleFile:
    """One CSV file of the bundle."""

    kind: str
    language: str
    """its language; empty for a language-independent file (:data:`NEUTRAL_KINDS`)"""
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
    neutral = [c for c in candidates if not c.language]
    by_language: dict[str, list[BundleFile]] = {}
    for candidate in candidates:
        if candidate.language:
            by_language.setdefault(candidate.language, []).append(candidate)
    languages = sorted(by_language)
    if not languages:
        raise BundleError(
            f"{path} holds no ESCO CSV files (names like occupations_en.csv, skills_en.csv)"
        )
    shared = {c.kind for c in neutral}
    if language is None:
        complete = [
            lang
            for lang in languages
            if set(REQUIRED_KINDS) <= {f.kind for f in by_language[lang]} | shared
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
    files = _by_kind(path, [*by_language[language], *neutral])
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
        if candidate.language:
            by_language.setdefault(candidate.language, []).append(candidate)
        else:  # relations: the main bundle's business
            ignored.append(candidate.name)
    if not by_language:
        raise BundleError(
            f"{path} holds no ESCO label files (names like occupations_fr.csv, skills_fr.csv)"
        )
    return [_pack(path, lang, files, ignored) for lang, files in sorted(by_language.items())]


def is_download(path: Path) -> bool:
    """Whether ``path`` is a folder or zip holding a whole ESCO release (every required file
    in one language), rather than a language pack or a dataset."""
    try:
        candidates, _ = _scan(path)
    except BundleError:
        return False
    shared = {c.kind for c in candidates if not c.language}
    by_language: dict[str, set[str]] = {}
    for candidate in candidates:
        if candidate.language:
            by_language.setdefault(candidate.language, set()).add(candidate.kind)
    return any(set(REQUIRED_KINDS) <= kinds | shared for kinds in by_language.values())


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
        for archive_path in sorted(path.glob("*.zip")):  # a download's zips, as they come
            found, skipped = _scan(archive_path)
            candidates += [replace(c, name=f"{archive_path.name}/{c.name}") for c in found]
            ignored += [f"{archive_path.name}/{name}" for name in skipped]
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".csv"):
                    continue
                if info.file_size > tables.MAX_FILE_BYTES:
                    raise BundleError(
                        f"inflates to {info.file_size:,} bytes, over the "
                        f"{tables.MAX_FILE_BYTES:,} "
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
    if match is not None:
        language = match["language"].lower()
        candidates.append(BundleFile(match["kind"], language, shown, size, opener))
        return
    neutral = _NEUTRAL_NAME.match(base_name)
    if neutral is not None:
        candidates.append(BundleFile(neutral["kind"], "", shown, size, opener))
        return
    ignored.append(shown)


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


def read_rows(
    file: BundleFile,
    *,
    required: tuple[str, ...],
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, Row]]:
    """The rows of a file of the bundle as ``(line, {column: cell})``, read by
    :func:`loaders.tables.read_table` (which says what it reads and what it refuses). An
    ESCO download's files all end with a line end, so one that does not was cut short.

    :raises BundleError: naming the file and line.
    """
    return tables.read_table(
        file.open_binary,
        file.name,
        required=required,
        require_final_line_end=True,
        on_bytes=on_bytes,
    )
