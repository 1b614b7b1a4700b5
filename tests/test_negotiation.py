"""Content negotiation, one q-value parser for every router: media types (``/sparql``,
``/resource``) and language ranges (the JSON API)."""

from __future__ import annotations

import pytest

from service.negotiation import language, media_type, preferences
from service.problems import ProblemError

OFFERED = ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"]
DEFAULT = "application/sparql-results+json"


def test_weights_rank_items_and_zero_refuses() -> None:
    found = preferences("text/csv;q=0.5, TEXT/HTML, */*;q=0.1, image/png;q=0, a;q=x, b;q=2")
    assert found.ranked == ("text/html", "text/csv", "*/*")
    assert found.refused == frozenset({"image/png"})
    assert found.malformed == ("a;q=x", "b;q=2")
    assert preferences("a, b, c, d", limit=2).ranked == ("a", "b")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("", DEFAULT),
        ("*/*", DEFAULT),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("application/*", DEFAULT),
        (f"*/*, {DEFAULT};q=0", "text/csv"),  # refused, even through the wildcard
        ("text/csv;level=1", "text/csv"),  # parameters other than q left aside
        ("image/png", None),
        ("text/csv;q=0", None),
        # The most specific range that matches decides (RFC 9110, 12.5.1): a type refused
        # by its type/* is not chosen through */*, and one named with a weight of its own is
        # chosen despite its type/* refused.
        ("text/*;q=0, text/csv", "text/csv"),
        ("*/*;q=0, text/*", "text/csv"),
    ],
)
def test_the_media_type_is_the_best_ranked_on_offer(accept: str, chosen: str | None) -> None:
    assert media_type(accept, OFFERED, DEFAULT) == chosen


def test_a_type_refused_by_its_range_is_not_chosen_through_a_wildcard() -> None:
    # text/csv as the default, so that */* would pick it first if text/*;q=0 were ignored.
    assert media_type("*/*, text/*;q=0", OFFERED, "text/csv") == DEFAULT


@pytest.mark.parametrize("accept", ["text/csv;q=high", "text/csv;q=1.5", "text/csv;q=nan"])
def test_a_malformed_weight_in_accept_is_a_400(accept: str) -> None:
    with pytest.raises(ProblemError) as error:
        media_type(accept, OFFERED, DEFAULT)
    assert (error.value.status, error.value.slug) == (400, "bad-accept")


LOADED = ["en", "fr", "es"]


def _lookup(tag: str) -> str | None:
    return next((loaded for loaded in LOADED if tag.split("-")[0] == loaded), None)


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("de, fr;q=0.8, es;q=0.9", "es"),
        ("fr-CA", "fr"),
        ("*;q=0.5, fr;q=0.4", "en"),
        ("en;q=0, *", "fr"),  # refused, even through the wildcard
        ("fr;q=nonsense, es", "es"),  # a malformed weight leaves its range out
        ("de", None),
        ("", None),
    ],
)
def test_the_language_is_the_best_ranked_loaded(header: str, chosen: str | None) -> None:
    assert language(header, LOADED, _lookup) == chosen
