"""The reference sets of issue 26 (benchmarks/job_titles.csv, benchmarks/cv_phrases.csv): they
parse, every row is in the half the hash says, no text is listed twice, there are enough rows
of each kind, and every answer is an ESCO v1.2.0 concept under its preferred label (that part
is a full-data test: it skips without ../shared, and fails in CI)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.reference_sets import (
    CV_PHRASES,
    ESCO,
    read_cv_phrases,
    read_job_titles,
    split_of,
    unknown_answers,
)
from tests.conftest import FULL_BUNDLE

ISSUE_PHRASES = {
    "Excel",
    "time management",
    "social media",
    "driving",
    "problem solving",
    "budgeting",
    "cash handling",
    "teamwork",
    "communication skills",
}
ISSUE_TITLES = {
    "Associate producer, multi-platform content",
    "Producer, branded & original content",
    "Creative producer - the studio",
    "Production lead, scripted (originals), youtube",
    "production manager",
    "production assistant",
    "Registered Nurses",
}


def test_split_rule() -> None:
    """The rule, on texts whose SHA-256 starts with an even byte (sha256("a"): 0xca;
    sha256("excel"): 0xfa) and an odd one (sha256("time management"): 0x69)."""
    assert split_of("a") == split_of("A") == "tuning"
    assert split_of("excel") == split_of("Excel") == "tuning"
    assert split_of("Time Management") == "held-out"


def test_job_titles() -> None:
    titles = read_job_titles()
    assert len(titles) >= 400
    assert {t.title for t in titles} >= ISSUE_TITLES
    assert all(t.split == split_of(t.title) for t in titles)
    assert len({t.title.lower() for t in titles}) == len(titles)
    constructed = sum(t.source.startswith("posting-style variant of ") for t in titles)
    assert 0 < constructed < 0.4 * len(titles)
    halves = Counter(t.split for t in titles)
    assert min(halves.values()) > 0.35 * len(titles)
    production = next(t for t in titles if t.title == "production manager")
    assert production.label == "performance production manager"


def test_cv_phrases() -> None:
    phrases = read_cv_phrases()
    assert len(phrases) >= 220
    assert {p.phrase for p in phrases} >= ISSUE_PHRASES
    assert all(p.split == split_of(p.phrase) for p in phrases)
    assert len({p.phrase.lower() for p in phrases}) == len(phrases)
    sectors = Counter(p.sector for p in phrases)
    assert len(sectors) >= 11 and min(sectors.values()) >= 10
    answers = Counter(p.answer for p in phrases)
    assert answers["skill"] >= 200 and answers["ambiguous"] >= 10


def test_a_broken_row_is_refused(tmp_path: Path) -> None:
    """A row in the wrong half, and a phrase listed twice, each raise ValueError."""
    header, first, *_ = csv.reader(CV_PHRASES.open(encoding="utf-8", newline=""))
    other_half = "tuning" if first[-1] == "held-out" else "held-out"
    for body, error in (
        ([header, [*first[:-1], other_half]], "not the hash's"),
        ([header, first, first], "listed twice"),
    ):
        path = tmp_path / "phrases.csv"
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file, lineterminator="\n").writerows(body)
        with pytest.raises(ValueError, match=error):
            read_cv_phrases(path)


@pytest.mark.fulldata
def test_every_answer_is_an_esco_concept() -> None:
    assert ESCO.resolve() == FULL_BUNDLE.resolve()
    assert unknown_answers(read_job_titles(), read_cv_phrases(), FULL_BUNDLE) == []
