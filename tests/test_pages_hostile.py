"""Hostile and careless input to the pages: every answer is a page (or a problem for an API
client) with the right status, never a server error."""

from __future__ import annotations

import httpx
import pytest

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
NASTY = [
    "",
    " ",
    "'\"<script>alert(1)</script>",
    "\x00",
    "\u202e\ufeff\U0001f600",
    "%00%ff",
    "a" * 5000,
    "../../etc/passwd",
    "http://data.europa.eu/esco/occupation/" + "0" * 500,
    "javascript:alert(1)",
]


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_no_page_fails_on_hostile_input(sample_http: httpx.Client, value: str) -> None:
    requests = [
        ("/search", {"q": value}),
        ("/explore", {"from": value, "to": value}),
        ("/explore", {"to": value}),
        ("/fit", {"skills": value, "level": value}),
        ("/resource", {"uri": value}),
        ("/sparql", {"example": value}),
        ("/groups", {"language": value}),
    ]
    for path, params in requests:
        answer = sample_http.get(path, params=params, headers=BROWSER)
        assert answer.status_code < 500, (path, params, answer.text[:300])
        assert answer.headers["content-type"].startswith("text/html"), (path, params)
        assert "<script>alert(1)</script>" not in answer.text  # escaped, never echoed raw
    for path in (f"/esco/occupation/{value}", f"/esco/{value}", f"/esco/isco/{value}"):
        answer = sample_http.get(path.replace("\x00", "%00"), headers=BROWSER)
        assert answer.status_code < 500, (path, answer.text[:300])
