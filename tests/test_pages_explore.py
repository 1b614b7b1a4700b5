"""The career explorer (/explore) and "what fits my skills" (/fit) on the bundled sample,
through a real server: the pages, their pictures, how typed names and skills are read, and
their errors as pages."""

from __future__ import annotations

import re

import httpx

PRODUCER = "52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
VIDEO_PRODUCER = "3b6bea7d-36f4-44fb-ac73-d1cc8a198dcb"
MUSIC_PRODUCER = "5ff7a990-a306-40c2-9224-b2bf7f15b2f9"
MAX_BYTES = 100_000


def html(answer: httpx.Response, status: int = 200) -> str:
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/html")
    assert len(answer.content) < MAX_BYTES
    return answer.text


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, re.S)


def test_the_explorer_draws_each_path_with_a_box_per_occupation(sample_http: httpx.Client) -> None:
    page = html(sample_http.get("/explore", params={"from": PRODUCER, "to": VIDEO_PRODUCER}))
    answer = sample_http.get(
        f"/occupations/{PRODUCER}/paths/{VIDEO_PRODUCER}", params={"max_steps": 4, "limit": 3}
    ).json()
    assert answer["paths"]
    pictures = [svg for svg in svgs(page) if 'class="career-path"' in svg]
    assert len(pictures) == len(answer["paths"])
    for svg, found in zip(pictures, answer["paths"], strict=True):
        steps = len(found["steps"])
        assert len(re.findall(r'<g class="box\b', svg)) == steps + 1
        assert len(re.findall(r'<g class="arrow\b', svg)) == steps
        assert 'role="img"' in svg and "<title" in svg
    first = pictures[0]
    title = re.search(r"<title[^>]*>(.*?)</title>", first, re.S)
    assert title is not None
    labels = ["producer"] + [s["occupation"]["label"] for s in answer["paths"][0]["steps"]]
    assert " → ".join(labels) in title.group(1)
    # the assessment with its reasons, the skill gap, and the outcome in words
    assert answer["assessment"]["rating"] in page
    for reason in answer["assessment"]["reasons"]:
        assert reason["text"].replace("'", "&#39;") in page
    assert "What you have" in page and "What you lack" in page
    assert "Paths found" in page
    # a multi-step path names its hardest step in words, in the picture and under it
    if any(len(p["steps"]) > 1 for p in answer["paths"]):
        assert "hardest step" in page and 'class="arrow hardest"' in page


def test_a_path_s_steps_are_listed_in_html_under_the_picture(sample_http: httpx.Client) -> None:
    page = html(sample_http.get("/explore", params={"from": PRODUCER, "to": MUSIC_PRODUCER}))
    steps = re.findall(r'<ol class="steps">(.*?)</ol>', page, re.S)
    assert steps
    assert f'href="/esco/occupation/{MUSIC_PRODUCER}"' in steps[0]


def test_typed_titles_are_resolved_and_the_page_says_to_what(sample_http: httpx.Client) -> None:
    page = html(sample_http.get("/explore", params={"from": "producer", "to": "film producer"}))
    assert "was understood as" in page
    assert re.search(r"“film producer” was understood as\s*<a [^>]*>video and motion", page)
    assert "<svg" in page


def test_a_title_nothing_matches_is_said_and_the_form_stays(sample_http: httpx.Client) -> None:
    page = html(sample_http.get("/explore", params={"from": "qqqqzzzz", "to": "producer"}))
    assert "no occupation matches “qqqqzzzz”" in page
    assert 'name="from"' in page and 'value="qqqqzzzz"' in page
    assert 'class="career-path"' not in page


def test_the_form_pages_answer_without_parameters(sample_http: httpx.Client) -> None:
    explore = html(sample_http.get("/explore"))
    assert '<form class="pair"' in explore
    assert 'for="explore-from"' in explore and 'id="explore-from"' in explore
    assert 'for="explore-to"' in explore and 'name="to"' in explore
    fit = html(sample_http.get("/fit"))
    assert '<textarea id="fit-skills" name="skills"' in fit and 'for="fit-skills"' in fit
    assert '<select id="fit-level" name="level"' in fit
    assert "For example" in fit and "Occupations that fit" not in fit


def test_a_bad_id_is_a_422_page_and_an_unknown_one_a_404(sample_http: httpx.Client) -> None:
    bad = html(
        sample_http.get("/explore", params={"from": "52b9e8dc-not-an-id", "to": PRODUCER}), 422
    )
    assert "not an occupation id" in bad
    unknown = "00000000-0000-0000-0000-000000000000"
    missing = html(sample_http.get("/explore", params={"from": PRODUCER, "to": unknown}), 404)
    assert unknown in missing
    html(sample_http.get("/fit", params={"skills": "manage budgets", "level": "7"}), 422)


def test_fit_lists_the_occupation_whose_skills_are_given(sample_http: httpx.Client) -> None:
    profile = sample_http.get(f"/occupations/{PRODUCER}").json()
    labels = [s["label"] for s in profile["essential_skills"][:3]]
    page = html(sample_http.get("/fit", params={"skills": "\n".join([*labels, "zzzz qqqq"])}))
    fits = re.search(r'<ol class="fits">(.*?)</ol>', page, re.S)
    assert fits is not None
    first = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', fits.group(1))[:3]
    assert (f"/esco/occupation/{PRODUCER}", "producer") in first
    assert re.search(r"3 of \d+ essential skills", fits.group(1))
    readings = re.search(r'<ol class="readings">(.*?)</ol>', page, re.S)
    assert readings is not None
    lines = re.findall(r"<li>(.*?)</li>", readings.group(1), re.S)
    assert len(lines) == 4
    for label, line in zip(labels, lines, strict=False):
        assert "reading-resolved" in line and f">{label}</a>" in line
    assert "“zzzz qqqq”" in lines[3]
    assert "reading-unknown" in lines[3] or "reading-ambiguous" in lines[3]


def test_fit_shows_an_ambiguous_line_with_its_candidates(sample_http: httpx.Client) -> None:
    answer = sample_http.post("/match", json={"skills": ["music"]}).json()
    page = html(sample_http.get("/fit", params={"skills": "music", "level": "4"}))
    assert answer["ambiguous"], "the sample no longer reads 'music' as ambiguous"
    assert "reading-ambiguous" in page
    for candidate in answer["ambiguous"][0]["candidates"]:
        assert f'href="/esco/skill/{candidate["id"]}"' in page
    assert '<option value="4" selected>' in page


def test_given_only_where_to_the_explorer_draws_the_routes_in(sample_http: httpx.Client) -> None:
    page = sample_http.get("/explore", params={"to": PRODUCER})
    assert page.status_code == 200
    routes = sample_http.get(
        f"/occupations/{PRODUCER}/routes-in", params={"max_steps": 3, "limit": 5}
    ).json()["items"]
    assert routes, "the sample has routes into producer"
    assert "How to become: producer" in page.text
    # One picture per route, each from the route's first occupation.
    assert page.text.count("<svg") == len(routes)
    for route in routes:
        assert f"/explore?from={route['from']['id']}&amp;to={PRODUCER}" in page.text
    # The occupation's page links it.
    profile = sample_http.get(f"/esco/occupation/{PRODUCER}", headers={"Accept": "text/html"})
    assert f'href="/explore?to={PRODUCER}"' in profile.text
