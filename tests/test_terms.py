"""IDs, URIs and ISCO skill levels."""

from __future__ import annotations

import pytest

from graph import terms
from graph.errors import InvalidIdentifierError

UUID = "52b9e8dc-de6c-41dd-b29a-e1291c273f6f"


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("1", 4),
        ("1120", 4),
        ("2", 4),
        ("2654", 4),
        ("3", 3),
        ("3521", 3),
        ("4", 2),
        ("4110", 2),
        ("5", 2),
        ("6", 2),
        ("7312", 2),
        ("8", 2),
        ("8121", 2),
        ("9", 1),
        ("9629", 1),
        ("01", 4),
        ("0110", 4),
        ("02", 2),
        ("0210", 2),
        ("03", 1),
        ("0310", 1),
        ("0", None),
        ("", None),
        ("x1", None),
    ],
)
def test_isco_skill_level_follows_the_ilo_table(code: str, level: int | None) -> None:
    assert terms.isco_skill_level(code) == level


def test_occupation_uri_accepts_uuid_and_full_uri() -> None:
    assert terms.occupation_uri(UUID) == terms.OCCUPATION_BASE + UUID
    assert terms.occupation_uri(UUID.upper()) == terms.OCCUPATION_BASE + UUID
    full = terms.OCCUPATION_BASE + UUID
    assert terms.occupation_uri(full) == full


@pytest.mark.parametrize("bad", ["producer", "123", "", "http://exa mple.org/x", "<http://x>"])
def test_occupation_uri_rejects_what_is_neither(bad: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        terms.occupation_uri(bad)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("2654", "2654"),
        ("0110", "0110"),
        ("C0110", "0110"),
        ("c26", "26"),
        ("http://data.europa.eu/esco/isco/C2654", "2654"),
        ("3", "3"),
    ],
)
def test_isco_code_keeps_leading_zeros(given: str, code: str) -> None:
    assert terms.isco_code(given) == code
    assert terms.isco_uri(code) == "http://data.europa.eu/esco/isco/C" + code


@pytest.mark.parametrize("bad", ["26541", "abc", "", "C", "2654a"])
def test_isco_code_rejects_malformed_codes(bad: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        terms.isco_code(bad)


def test_concept_id_is_the_last_segment() -> None:
    assert terms.concept_id(terms.SKILL_BASE + UUID) == UUID
    assert terms.concept_id("http://data.europa.eu/esco/isco/C2654") == "C2654"
