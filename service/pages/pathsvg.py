"""A career path as a picture: an SVG drawn on the server, no script.

The occupations are boxes stacked top to bottom (the path never needs a wide screen: the
picture is :data:`WIDTH` units wide, narrower than a phone's page), each move an arrow from
one box down to the next, labelled with what is learned at it: how many essential skills,
and the first one or two by name. The hardest step (see :func:`hardest_step`) is drawn
thicker, dashed and in another colour, and says so in words beside it, not by colour alone.

The picture is ``role="img"``, named by a ``<title>`` that states the path in words and a
``<desc>`` that says each step; the page lists the steps in HTML under it too.

Text is measured by an estimate of its width (no font metrics on the server): labels wrap
onto several lines at word boundaries, and a word longer than a line is cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from graph import answers as a

WIDTH = 340
"""The picture's width in user units (its width in CSS pixels at scale 1)."""
MARGIN = 8
BOX_X = MARGIN
BOX_WIDTH = WIDTH - 2 * MARGIN
BOX_PADDING = 10
NAME_SIZE = 15
"""Font size of an occupation's name in a box."""
NAME_LINE = 19
KIND_SIZE = 12
"""Font size of the line above the name (start, step, goal)."""
KIND_LINE = 16
LABEL_SIZE = 13
"""Font size of an arrow's label."""
LABEL_LINE = 17
ARROW_X = 34
LABEL_X = ARROW_X + 22
LABEL_WIDTH = WIDTH - LABEL_X - MARGIN
GAP_MIN = 44
"""The least room between two boxes, for the arrow."""
HEAD = 9
"""The arrow head's height."""
CHAR_WIDTH = 0.58
"""An estimate of a character's average width, in ems, generous for system sans-serif
fonts so that a wrapped line fits."""
BOLD_WIDTH = 0.64
"""... and of a bold one's (the occupations' names)."""
SKILLS_NAMED = 2
"""How many of a step's skills an arrow names."""

INK = "#1d2330"
MUTED = "#4a5363"
BOX_FILL = "#f3f5f9"
BOX_STROKE = "#0b5cad"
ARROW = "#4a5363"
HARDEST = "#a11d2b"
"""The hardest step's colour (7:1 contrast on white), with a dashed, thicker line and a label."""


def hardest_step(path: a.CareerPath) -> int | None:
    """The index of the hardest of a path's several steps, as the paths are ranked
    (:mod:`graph.careers`): the move whose assessment scores lowest (the least alike), the
    first of those; None for a path of one step (or none), which has no harder step to
    point out."""
    if len(path.steps) < 2:
        return None
    return min(range(len(path.steps)), key=lambda i: (path.steps[i].assessment.score, i))


def wrap(text: str, size: float, width: float, *, char_width: float = CHAR_WIDTH) -> list[str]:
    """``text`` broken into lines at most ``width`` units wide at font size ``size`` (a
    character ``char_width`` ems wide on average), at word boundaries (a word longer than a
    line is cut)."""
    per_line = max(1, int(width / (size * char_width)))
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > per_line:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= per_line:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _name(occupation: a.OccupationRef) -> str:
    return occupation.label or occupation.id


def learned_words(step: a.PathStep) -> str:
    """What is learned at a step, in words: how many essential skills."""
    count = len(step.learn)
    if count == 0:
        return "no new essential skill to learn"
    return f"learn {count} essential skill{'' if count == 1 else 's'}"


def named_skills(step: a.PathStep) -> str:
    """The first :data:`SKILLS_NAMED` skills learned at a step, and how many more."""
    names = [skill.label or skill.id for skill in step.learn[:SKILLS_NAMED]]
    rest = len(step.learn) - len(names)
    return ", ".join(names) + (f" and {rest} more" if rest > 0 else "")


def describe(path: a.CareerPath, source: a.OccupationRef) -> tuple[str, str]:
    """The path in words: a title (the occupations in order) and a description (each step,
    and which is the hardest)."""
    names = [_name(source), *(_name(step.occupation) for step in path.steps)]
    count = len(path.steps)
    title = (
        f"Career path in {count} step{'' if count == 1 else 's'}, rated {path.rating}: "
        + " → ".join(names)
    )
    hardest = hardest_step(path)
    sentences = []
    for i, step in enumerate(path.steps):
        text = (
            f"Step {i + 1}: {names[i]} to {names[i + 1]}, a {step.move} move rated "
            f"{step.assessment.rating}; {learned_words(step)}"
        )
        if step.learn:
            text += f" ({named_skills(step)})"
        if i == hardest:
            text += "; the hardest step"
        sentences.append(text + ".")
    return title, " ".join(sentences)


@dataclass(frozen=True)
class _Box:
    top: float
    height: float
    kind: str
    lines: list[str]


def _arrow_lines(step: a.PathStep, hardest: bool) -> list[tuple[str, str]]:
    """The lines of an arrow's label, each with its style: ``move``, ``learn``, ``skills``
    or ``hard``."""
    move = f"{step.move} move · {step.assessment.rating}"
    lines = [("move", line) for line in wrap(move, LABEL_SIZE, LABEL_WIDTH)]
    lines += [("learn", line) for line in wrap(learned_words(step), LABEL_SIZE, LABEL_WIDTH)]
    if step.learn:
        lines += [("skills", line) for line in wrap(named_skills(step), LABEL_SIZE, LABEL_WIDTH)]
    if hardest:
        lines.append(("hard", "▲ hardest step"))
    return lines


def _text(x: float, y: float, size: int, fill: str, text: str, weight: str = "") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return f'<text x="{x:g}" y="{y:g}" font-size="{size}" fill="{fill}"{bold}>{escape(text)}</text>'


def path_svg(path: a.CareerPath, source: a.OccupationRef, *, ident: str = "path") -> Markup:
    """The picture of ``path`` from ``source`` (a :class:`~graph.answers.CareerPath` names
    the occupations it moves to, not the one it starts from): ``len(path.steps) + 1`` boxes
    (``class="box"``) and one arrow per step (``class="arrow"``, the hardest ``class="arrow
    hardest"``). ``ident`` makes the ids of its title and description unique in a page.

    Every text is escaped; the result is marked safe only then."""
    inner = BOX_WIDTH - 2 * BOX_PADDING
    count = len(path.steps)
    occupations = [source, *(step.occupation for step in path.steps)]
    kinds = ["you are here"]
    kinds += [f"step {i}" + (" · goal" if i == count else "") for i in range(1, count + 1)]
    hardest = hardest_step(path)

    labels = [_arrow_lines(step, i == hardest) for i, step in enumerate(path.steps)]

    boxes: list[_Box] = []
    gaps: list[tuple[float, float]] = []
    y: float = MARGIN
    for i, occupation in enumerate(occupations):
        name = wrap(_name(occupation), NAME_SIZE, inner, char_width=BOLD_WIDTH)
        height = 2 * BOX_PADDING + KIND_LINE + len(name) * NAME_LINE
        boxes.append(_Box(y, height, kinds[i], name))
        y += height
        if i < count:
            gap = max(GAP_MIN, len(labels[i]) * LABEL_LINE + 16)
            gaps.append((y, y + gap))
            y += gap
    total = y + MARGIN

    title, description = describe(path, source)
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="career-path" role="img" '
        f'viewBox="0 0 {WIDTH} {total:g}" width="{WIDTH}" height="{total:g}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'font-family="system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, Arial, sans-serif">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    for i, box in enumerate(boxes):
        goal = i == count and count > 0
        parts.append(
            f'<g class="box{" goal" if goal else ""}">'
            f'<rect x="{BOX_X}" y="{box.top:g}" width="{BOX_WIDTH}" height="{box.height:g}" '
            f'rx="6" fill="{BOX_FILL}" stroke="{BOX_STROKE}" '
            f'stroke-width="{3 if goal or i == 0 else 1.5}"/>'
        )
        baseline = box.top + BOX_PADDING + KIND_SIZE
        parts.append(_text(BOX_X + BOX_PADDING, baseline, KIND_SIZE, MUTED, box.kind))
        baseline += KIND_LINE - KIND_SIZE + NAME_SIZE
        for line in box.lines:
            parts.append(_text(BOX_X + BOX_PADDING, baseline, NAME_SIZE, INK, line, "600"))
            baseline += NAME_LINE
        parts.append("</g>")
    for i, (start, end) in enumerate(gaps):
        hard = i == hardest
        colour = HARDEST if hard else ARROW
        dash = ' stroke-dasharray="7 4"' if hard else ""
        parts.append(
            f'<g class="arrow{" hardest" if hard else ""}">'
            f'<line x1="{ARROW_X}" y1="{start:g}" x2="{ARROW_X}" y2="{end - HEAD:g}" '
            f'stroke="{colour}" stroke-width="{5 if hard else 2}"{dash}/>'
            f'<polygon points="{ARROW_X - 7},{end - HEAD:g} {ARROW_X + 7},{end - HEAD:g} '
            f'{ARROW_X},{end:g}" fill="{colour}"/>'
        )
        baseline = start + 8 + LABEL_SIZE
        for style, line in labels[i]:
            fill = HARDEST if style == "hard" else (MUTED if style == "move" else INK)
            weight = "700" if style in ("hard", "learn") else ""
            parts.append(_text(LABEL_X, baseline, LABEL_SIZE, fill, line, weight))
            baseline += LABEL_LINE
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))  # every text in it is escaped above
