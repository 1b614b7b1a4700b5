"""The two reference sets of issue 26, read and checked: job titles as postings write them
(``job_titles.csv``) and everyday CV skill phrases (``cv_phrases.csv``), each with the ESCO
v1.2.0 answer a person would pick. How each answer was decided, and where each row comes from, is
in ``REFERENCE_SETS.md`` beside this file.

Each row is in one half, by a rule anyone can recompute: ``held-out`` when the first byte of the
SHA-256 of the lower-cased text (UTF-8) is odd, else ``tuning``. Tune on the tuning half only.

    .venv/bin/python benchmarks/reference_sets.py [--esco ../shared/esco-v1.2.0]

checks both files (columns, values, the split, no text listed twice) and, with the ESCO CSVs,
that every URI is an ESCO v1.2.0 concept and every label its preferred label; it prints the
counts, or one line and exit 1.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
JOB_TITLES = HERE / "job_titles.csv"
CV_PHRASES = HERE / "cv_phrases.csv"
ESCO = HERE.parent.parent / "shared" / "esco-v1.2.0"
"""The ESCO v1.2.0 CSV bundle, where the tests and benchmarks find it (``../shared``)."""

JOB_COLUMNS = [
    "title",
    "uri",
    "label",
    "also_uris",
    "also_labels",
    "in_esco",
    "source",
    "decided",
    "split",
]
CV_COLUMNS = ["phrase", "sector", "answer", "uris", "labels", "source", "split"]
SPLITS = ("tuning", "held-out")
IN_ESCO = ("preferred", "alternative", "hidden", "other", "no")
"""Is the title, lower-cased, an ESCO label: of the intended occupation (which kind), only of
another occupation, or of none."""
ANSWERS = ("skill", "ambiguous")
SECTORS = (
    "general",
    "office",
    "hospitality",
    "retail",
    "care",
    "construction",
    "transport",
    "IT",
    "finance",
    "creative",
    "manufacturing",
    "education",
)
OCCUPATION = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"


def split_of(text: str) -> str:
    """The half a title or phrase is in: ``held-out`` when the first byte of the SHA-256 of
    its lower-cased UTF-8 text is odd."""
    first = hashlib.sha256(text.lower().encode("utf-8")).digest()[0]
    return "held-out" if first % 2 else "tuning"


@dataclass(frozen=True)
class JobTitle:
    """A job title as a posting writes it, and the ESCO occupation it names."""

    title: str
    uri: str
    """the intended ESCO occupation"""
    label: str
    """its preferred label"""
    also: tuple[str, ...]
    """other occupations accepted as right (for a title ESCO itself gives to two)"""
    also_labels: tuple[str, ...]
    in_esco: str
    """one of :data:`IN_ESCO`"""
    source: str
    decided: str
    split: str

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every occupation URI counted as right, the intended one first."""
        return (self.uri, *self.also)


@dataclass(frozen=True)
class CvPhrase:
    """A skill phrase as a CV writes it, and the ESCO skill(s) a recruiter would pick."""

    phrase: str
    sector: str
    answer: str
    """``skill``: any of ``uris`` is right; ``ambiguous``: no single skill is, the right
    answer says so, and ``uris`` are the candidates it should offer"""
    uris: tuple[str, ...]
    labels: tuple[str, ...]
    source: str
    split: str


def _rows(path: Path, columns: list[str]) -> Iterable[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames != columns:
            raise ValueError(f"{path.name}: columns {reader.fieldnames}, expected {columns}")
        for n, row in enumerate(reader, start=2):
            if None in row or any(value is None for value in row.values()):
                raise ValueError(f"{path.name} line {n}: not {len(columns)} fields")
            yield n, row


def _check_text(path: Path, n: int, text: str, split: str, seen: set[str]) -> None:
    if not text.strip() or text != text.strip():
        raise ValueError(f"{path.name} line {n}: empty text or spaces around it: {text!r}")
    if split != split_of(text):
        raise ValueError(f"{path.name} line {n}: split {split!r} of {text!r} is not the hash's")
    if text.lower() in seen:
        raise ValueError(f"{path.name} line {n}: {text!r} listed twice")
    seen.add(text.lower())


def _several(value: str) -> tuple[str, ...]:
    return tuple(value.split("|")) if value else ()


def read_job_titles(path: Path = JOB_TITLES) -> list[JobTitle]:
    """The job titles; raises ValueError on a row that breaks the file's rules."""
    titles: list[JobTitle] = []
    seen: set[str] = set()
    for n, row in _rows(path, JOB_COLUMNS):
        _check_text(path, n, row["title"], row["split"], seen)
        also, also_labels = _several(row["also_uris"]), _several(row["also_labels"])
        uris = (row["uri"], *also)
        if not all(uri.startswith(OCCUPATION) for uri in uris) or len(set(uris)) != len(uris):
            raise ValueError(f"{path.name} line {n}: not distinct ESCO occupation URIs")
        if len(also) != len(also_labels) or not row["label"]:
            raise ValueError(f"{path.name} line {n}: a URI without its label")
        if row["in_esco"] not in IN_ESCO:
            raise ValueError(f"{path.name} line {n}: in_esco {row['in_esco']!r}")
        if not row["source"].strip() or not row["decided"].strip():
            raise ValueError(f"{path.name} line {n}: no source or no decision")
        titles.append(
            JobTitle(
                title=row["title"],
                uri=row["uri"],
                label=row["label"],
                also=also,
                also_labels=also_labels,
                in_esco=row["in_esco"],
                source=row["source"],
                decided=row["decided"],
                split=row["split"],
            )
        )
    return titles


def read_cv_phrases(path: Path = CV_PHRASES) -> list[CvPhrase]:
    """The CV phrases; raises ValueError on a row that breaks the file's rules."""
    phrases: list[CvPhrase] = []
    seen: set[str] = set()
    for n, row in _rows(path, CV_COLUMNS):
        _check_text(path, n, row["phrase"], row["split"], seen)
        uris, labels = _several(row["uris"]), _several(row["labels"])
        if row["answer"] not in ANSWERS or row["sector"] not in SECTORS:
            raise ValueError(f"{path.name} line {n}: answer or sector not one of the listed")
        if not uris or len(uris) != len(labels) or len(set(uris)) != len(uris):
            raise ValueError(f"{path.name} line {n}: URIs and labels do not pair up")
        if row["answer"] == "skill" and len(uris) > 3:
            raise ValueError(f"{path.name} line {n}: more than 3 acceptable skills")
        if row["answer"] == "ambiguous" and len(uris) < 2:
            raise ValueError(f"{path.name} line {n}: ambiguous with fewer than 2 candidates")
        if not all(uri.startswith(SKILL) for uri in uris) or not row["source"].strip():
            raise ValueError(f"{path.name} line {n}: not ESCO skill URIs, or no source")
        phrases.append(
            CvPhrase(
                phrase=row["phrase"],
                sector=row["sector"],
                answer=row["answer"],
                uris=uris,
                labels=labels,
                source=row["source"],
                split=row["split"],
            )
        )
    return phrases


def esco_labels(path: Path) -> dict[str, str]:
    """Preferred label (stripped: ESCO has one with a trailing space) by concept URI, from an
    ESCO CSV file (``occupations_en.csv``, ``skills_en.csv``)."""
    with path.open(encoding="utf-8", newline="") as file:
        return {row["conceptUri"]: row["preferredLabel"].strip() for row in csv.DictReader(file)}


def esco_label_sets(path: Path) -> dict[str, dict[str, str]]:
    """For each lower-cased label of an ESCO CSV file, the concepts that have it and which
    kind of label it is for each (``preferred``, ``alternative``, ``hidden``)."""
    found: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            kinds = (
                ("hidden", row["hiddenLabels"].split("\n")),
                ("alternative", row["altLabels"].split("\n")),
                ("preferred", [row["preferredLabel"]]),
            )
            for kind, labels in kinds:
                for label in labels:
                    if label.strip():
                        found.setdefault(label.strip().lower(), {})[row["conceptUri"]] = kind
    return found


def unknown_answers(
    titles: list[JobTitle], phrases: list[CvPhrase], esco: Path = ESCO
) -> list[str]:
    """Each answer that is not an ESCO concept of the bundle at ``esco``, or whose label is not
    that concept's preferred label, or whose ``in_esco`` is not what the labels say; empty
    when all hold."""
    occupations = esco_labels(esco / "occupations_en.csv")
    skills = esco_labels(esco / "skills_en.csv")
    occupation_labels = esco_label_sets(esco / "occupations_en.csv")
    wrong: list[str] = []
    for title in titles:
        pairs = zip(title.accepted, (title.label, *title.also_labels), strict=True)
        for uri, label in pairs:
            if occupations.get(uri) != label:
                wrong.append(f"job title {title.title!r}: {uri} {label!r}")
        found = occupation_labels.get(title.title.lower(), {})
        kind = found.get(title.uri, "other" if found else "no")
        if kind != title.in_esco:
            wrong.append(f"job title {title.title!r}: in_esco is {kind!r}")
    for phrase in phrases:
        for uri, label in zip(phrase.uris, phrase.labels, strict=True):
            if skills.get(uri) != label:
                wrong.append(f"CV phrase {phrase.phrase!r}: {uri} {label!r}")
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--esco", type=Path, default=ESCO, help="the ESCO v1.2.0 CSV folder")
    args = parser.parse_args()
    try:
        titles, phrases = read_job_titles(), read_cv_phrases()
    except (OSError, ValueError) as error:
        raise SystemExit(f"reference_sets: {error}") from error
    if args.esco.is_dir():
        wrong = unknown_answers(titles, phrases, args.esco)
        if wrong:
            raise SystemExit(f"reference_sets: {len(wrong)} answers wrong, first: {wrong[0]}")
    else:
        print(f"{args.esco} is absent: URIs not checked against ESCO", file=sys.stderr)
    print(f"job titles: {len(titles)}", dict(Counter(t.split for t in titles)))
    print(f"CV phrases: {len(phrases)}", dict(Counter(p.split for p in phrases)))


if __name__ == "__main__":
    main()
