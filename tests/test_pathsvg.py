"""The career path picture (service/pages/pathsvg.py): its geometry, from typed paths made by
hand: a box per occupation, an arrow per step, the boxes stacked top to bottom within the
picture's width, the hardest step marked in more than colour, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from graph import answers as a
from graph.transitions import Reason
from service.pages import pathsvg

SVG = "{http://www.w3.org/2000/svg}"
BASE = "http://data.europa.eu/esco/"


def occupation(n: int, label: str | None = None) -> a.OccupationRef:
    uuid = f"00000000-0000-0000-0000-{n:012d}"
    return a.OccupationRef(BASE + "occupation/" + uuid, label or f"occupation {n}", "en", None, 4)


def skill(n: int) -> a.SkillRef:
    return a.SkillRef(BASE + f"skill/00000000-0000-0000-0001-{n:012d}", f"skill {n}", "en", None)


def assessment(rating: str, score: float = 0.5) -> a.Assessment:
    return a.Assessment(
        rating=rating,
        score=score,
        similarity=0.5,
        essential_coverage=0.5,
        optional_coverage=0.5,
        essential_skills=10,
        held_essential_skills=5,
        skill_levels=(4, 4),
        job_zones=(None, None),
        education=(None, None),
        regulated=False,
        field=None,
        reasons=[Reason("skills", "helps", {"held": 5, "essential": 10})],
    )


def path(
    learned: list[int],
    ratings: list[str] | None = None,
    labels: list[str] | None = None,
    scores: list[float] | None = None,
) -> a.CareerPath:
    """A path of ``len(learned)`` steps, learning ``learned[i]`` skills at step ``i``; each
    move's assessment scores ``scores[i]``, else the less the more it learns."""
    ratings = ratings or ["viable"] * len(learned)
    scores = scores or [1 - count / 20 for count in learned]
    counter = iter(range(1000))
    steps = [
        a.PathStep(
            occupation=occupation(i + 1, labels[i] if labels else None),
            move="similar",
            score=0.5,
            learn=[skill(next(counter)) for _ in range(count)],
            coverage=0.5,
            assessment=assessment(ratings[i], scores[i]),
        )
        for i, count in enumerate(learned)
    ]
    worst = max(ratings, key=["viable", "stretch", "unrealistic"].index)
    return a.CareerPath(sum(learned), steps, worst)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(SVG + "g") if kind in g.get("class", "").split()]


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(SVG + "text")]


@pytest.mark.parametrize("learned", [[0], [4, 0], [6, 4, 0], [3, 9, 1, 2]])
def test_a_box_per_occupation_and_an_arrow_per_step(learned: list[int]) -> None:
    root = parse(pathsvg.path_svg(path(learned), occupation(0, "producer")))
    boxes, arrows = groups(root, "box"), groups(root, "arrow")
    assert len(boxes) == len(learned) + 1
    assert len(arrows) == len(learned)
    assert texts(boxes[0])[-1] == "producer"
    assert len(groups(root, "goal")) == 1 and groups(root, "goal")[0] is boxes[-1]


def test_boxes_are_stacked_top_to_bottom_with_each_arrow_between_two() -> None:
    root = parse(pathsvg.path_svg(path([3, 9, 1, 2]), occupation(0)))
    rects = [g.find(SVG + "rect") for g in groups(root, "box")]
    tops = [float(r.get("y", "")) for r in rects if r is not None]
    bottoms = [float(r.get("y", "")) + float(r.get("height", "")) for r in rects if r is not None]
    assert tops == sorted(tops)
    for i, arrow in enumerate(groups(root, "arrow")):
        line = arrow.find(SVG + "line")
        head = arrow.find(SVG + "polygon")
        assert line is not None and head is not None
        assert float(line.get("y1", "")) == bottoms[i]
        tip = max(float(point.split(",")[1]) for point in head.get("points", "").split())
        assert tip == tops[i + 1]
    # never wider than a phone's page: every box and text within the picture's width
    width = float(root.get("viewBox", "").split()[2])
    assert width == float(root.get("width", "")) <= 358  # 390 px less the page's margins
    for rect in rects:
        assert rect is not None
        assert float(rect.get("x", "")) + float(rect.get("width", "")) <= width
    assert float(root.get("viewBox", "").split()[3]) == float(root.get("height", ""))
    assert float(root.get("height", "")) > bottoms[-1]


def test_the_hardest_step_is_marked_in_more_than_colour() -> None:
    root = parse(pathsvg.path_svg(path([3, 9, 1]), occupation(0)))
    arrows = groups(root, "arrow")
    hardest = [i for i, g in enumerate(arrows) if "hardest" in g.get("class", "").split()]
    assert hardest == [1]
    marked = arrows[1].find(SVG + "line")
    plain = arrows[0].find(SVG + "line")
    assert marked is not None and plain is not None
    assert marked.get("stroke-dasharray") and not plain.get("stroke-dasharray")
    assert float(marked.get("stroke-width", "")) > float(plain.get("stroke-width", ""))
    assert marked.get("stroke") != plain.get("stroke")
    assert any("hardest step" in text for text in texts(arrows[1]))
    assert not any("hardest" in text for g in (arrows[0], arrows[2]) for text in texts(g))


def test_the_least_alike_move_is_the_hardest_as_paths_are_ranked() -> None:
    # The paths are ranked by their hardest move, the one whose assessment scores lowest
    # (graph.careers): the picture marks that one, whatever it learns or its rating says.
    hard = path([9, 2, 1], ["viable", "stretch", "viable"], scores=[0.6, 0.2, 0.9])
    assert pathsvg.hardest_step(hard) == 1
    assert pathsvg.hardest_step(path([2, 5, 5])) == 1  # ties: the first
    assert pathsvg.hardest_step(path([4])) is None  # one step: no harder one to point out
    root = parse(pathsvg.path_svg(path([4]), occupation(0)))
    assert not groups(root, "hardest")


def test_each_arrow_says_how_many_skills_and_names_the_first_two() -> None:
    root = parse(pathsvg.path_svg(path([4, 1, 0]), occupation(0)))
    first, second, third = (" ".join(texts(g)) for g in groups(root, "arrow"))
    assert "learn 4 essential skills" in first
    assert "skill 0, skill 1 and 2 more" in first
    assert "learn 1 essential skill " in second + " " and "skill 4" in second
    assert "no new essential skill" in third


def test_long_labels_wrap_inside_their_box() -> None:
    long = "membranophone musical instruments maker and supercalifragilisticexpialidocious-tuner"
    root = parse(pathsvg.path_svg(path([1], labels=[long]), occupation(0)))
    box = groups(root, "box")[1]
    rect = box.find(SVG + "rect")
    assert rect is not None
    names = [t for t in box.iter(SVG + "text") if t.get("font-weight") == "600"]
    assert len(names) >= 3
    assert " ".join(t.text or "" for t in names).replace(" ", "") == long.replace(" ", "")
    right = float(rect.get("x", "")) + float(rect.get("width", ""))
    bottom = float(rect.get("y", "")) + float(rect.get("height", ""))
    for text in names:
        estimate = len(text.text or "") * pathsvg.NAME_SIZE * pathsvg.BOLD_WIDTH
        assert float(text.get("x", "")) + estimate <= right
        assert float(text.get("y", "")) <= bottom


def test_the_picture_is_an_image_named_in_words() -> None:
    svg = pathsvg.path_svg(
        path([4, 0], labels=["music producer", "film producer"]),
        occupation(0, "producer"),
        ident="p2",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert title is not None and desc is not None
    assert (
        root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}" == "p2-title p2-desc"
    )
    assert "producer → music producer → film producer" in (title.text or "")
    assert "Step 1: producer to music producer" in (desc.text or "")
    assert "the hardest step" in (desc.text or "")


def test_every_text_is_escaped_and_the_result_is_marked_safe() -> None:
    evil = '<script>alert("x")</script> & co'
    svg = pathsvg.path_svg(path([1], labels=[evil]), occupation(0, "a < b"), ident='x"y')
    assert isinstance(svg, Markup)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "a &lt; b" in svg
    root = parse(svg)  # still well-formed XML
    assert root.get("aria-labelledby", "").startswith('x"y-title')
    title = root.find(SVG + "title")
    assert title is not None and evil in (title.text or "")  # read back as it was given


def test_wrap_breaks_at_words_and_cuts_only_longer_words() -> None:
    assert pathsvg.wrap("a bb ccc", 10, 10 * pathsvg.CHAR_WIDTH * 4) == ["a bb", "ccc"]
    assert pathsvg.wrap("abcdefghij", 10, 10 * pathsvg.CHAR_WIDTH * 4) == ["abcd", "efgh", "ij"]
    assert pathsvg.wrap("", 10, 100) == [""]
