"""Job titles as postings write them, reduced to the title they name.

A posting's title carries more than the occupation: a gender marker ("(m/f/d)"), the contract
("full-time", "freelance"), the seniority ("Senior", "Junior", "Lead"), and after a comma, a
dash, a slash or in parentheses the team, the product or a second title ("Associate
producer, multi-platform content"; "Producer / project manager (video production)"). Searched
as one text, those words find other occupations (multi-platform finds the scaffolder's
"platform erector"). :func:`segments` takes them apart; the occupation search then looks for
the whole title only when a label is exactly its words, and otherwise for its first part, the
title proper, weighing its :func:`head` above its modifiers.

Measured on ``benchmarks/job_titles.csv`` (tuning half), see ``docs/search-quality.md``.
"""

from __future__ import annotations

import re

NOISE = re.compile(
    r"\((?:[mwfdhx*]\s*/\s*)+[mwfdhx*]\)"  # (m/f/d), (h/f), (m/w/d)
    r"|\b(?:full|part)[- ]time\b"
    r"|\b(?:temporary|permanent|freelance|remote|hybrid|contract|fixed[- ]term|maternity cover)\b"
    r"|\b(?:ii|iii|iv|level \d)\s*$",
    re.IGNORECASE,
)
"""Words of the contract, the gender marker and a trailing grade, which name no occupation."""

SEPARATORS = re.compile(r"\s+[|\u2013\u2014-]\s+|\s*/\s*|\s*[,;:()\[\]]\s*|\s+(?:at|for)\s+")
"""Where a posting's title parts: a spaced dash or bar, a slash, a comma, parentheses, "at"
and "for" (the employer or the team)."""

SENIORITY = frozenset(
    {
        "senior",
        "sr",
        "junior",
        "jr",
        "lead",
        "principal",
        "associate",
        "trainee",
        "graduate",
        "experienced",
        "apprentice",
    }
)
"""Leading words of seniority: "Senior Java developer" is a Java developer. Only in front, and
never the last word ("lead" alone stays)."""

_WORD = re.compile(r"[^\s]+")
_LETTERS = re.compile(r"\w+")


def segments(title: str) -> list[str]:
    """The parts of a job title, lower-cased, without the contract, the gender marker and
    leading seniority words, first the title proper: ``"Senior Producer / project manager
    (video production) - full-time"`` is ``["producer", "project manager", "video
    production"]``. Empty when nothing is left."""
    text = NOISE.sub(" ", title.lower())
    found = []
    for part in SEPARATORS.split(text):
        words = [w for w in _WORD.findall(part or "") if any(c.isalnum() for c in w)]
        while len(words) > 1 and words[0].strip(".") in SENIORITY:
            words = words[1:]
        if words:
            found.append(" ".join(words))
    return found


def head(title: str) -> str | None:
    """The head of an English job title, the noun it names, lower-cased: its last word
    ("registered nurse", "video producer"), or the word before "of" ("head of production",
    "director of photography"). None for a title of one word, which has nothing to weigh
    it against."""
    words: list[str] = _LETTERS.findall(title.lower())
    if len(words) < 2:
        return None
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1]
