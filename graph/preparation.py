"""What an occupation asks of a person before they can do it, where a dataset beside ESCO says:
its O*NET Job Zone, the education, related work experience and on-the-job training it needs,
and its earnings.

ESCO says nothing of preparation. An attributes table loaded beside it (``skillgraph load
BUNDLE ATTRIBUTES.csv``, :mod:`loaders.attributes`) writes each occupation's values into the
dataset's named graph, on the occupation itself (``<occupation> sg:jobZone 2.0``); an
occupation without a row of its own takes the values of its nearest broader occupation that
has one, and says so (``<occupation> sg:inheritedFrom <ancestor>``, in the same graph). The
named query ``occupation_preparation`` reads them back; :func:`read` does so for the
indexes. The scales are O*NET's (its Education, Training and Experience ratings: the
values are averages over the O*NET occupations an ESCO occupation maps to, hence the
fractions); :func:`describe_job_zone` and the other ``describe_`` functions read a value as
a person would, by the nearest point of its scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from graph import terms as t
from graph.queries import QueryRunner
from graph.releases import StoreView

QUERY: Final = "occupation_preparation"
"""The named query that reads every occupation's values (``queries/occupation_preparation.rq``)."""


@dataclass(frozen=True)
class Attribute:
    """A column an attributes table may have, and the property its values are written with."""

    column: str
    property: str
    """the property's IRI (``sg:`` namespace, declared in ``ontology/esco.ttl``)"""
    low: float | None
    """the least value the scale has (None: any number)"""
    high: float | None
    """the greatest value the scale has (None: any number)"""


ATTRIBUTES: Final = (
    Attribute("job_zone", t.SG + "jobZone", 1, 5),
    Attribute("education_level", t.SG + "educationLevel", 1, 12),
    Attribute("related_work_experience", t.SG + "relatedWorkExperience", 1, 11),
    Attribute("on_the_job_training", t.SG + "onTheJobTraining", 1, 9),
    Attribute("annual_earnings", t.SG + "annualEarnings", 0, None),
)
"""The columns an attributes table may have, in the order of :class:`Preparation`'s fields."""

INHERITED_FROM: Final = t.SG + "inheritedFrom"
"""On an occupation in an attributes dataset's graph: the broader occupation whose values it
takes (it has no row of its own)."""


@dataclass(frozen=True)
class Preparation:
    """One occupation's values, from one attributes dataset (missing values are None)."""

    job_zone: float | None
    """O*NET Job Zone, 1 (little or no preparation) to 5 (extensive preparation)"""
    education_level: float | None
    """required education, 1 (less than a high school diploma) to 12 (post-doctoral training)"""
    related_work_experience: float | None
    """related work experience, 1 (none) to 11 (over 10 years)"""
    on_the_job_training: float | None
    """on-the-job training, 1 (none or a short demonstration) to 9 (over 10 years)"""
    annual_earnings: float | None
    """indicative annual earnings, in the currency the dataset gives them in (Nesta's
    Mapping Career Causeways: British pounds, UK ASHE 2019)"""
    inherited_from: str | None
    """the broader occupation's URI the values come from, where the dataset has no row for
    this occupation itself"""
    source: str
    """the named graph (the dataset) the values come from"""


def read(store: StoreView, runner: QueryRunner) -> dict[str, Preparation]:
    """Every occupation's values, by occupation URI (none without an attributes dataset).

    Where several attributes datasets give an occupation values, one is chosen, the same at
    every read: a dataset with a row of the occupation's own before one it inherits in, then
    the first graph by IRI. The values of one occupation all come from that one dataset.
    """
    found: dict[str, Preparation] = {}
    for row in runner.select(store, QUERY):
        occupation = row["occupation"]
        graph = row["graph"]
        if not isinstance(occupation, str) or not isinstance(graph, str):
            continue
        inherited = row["inherited_from"]
        candidate = Preparation(
            job_zone=_number(row["job_zone"]),
            education_level=_number(row["education_level"]),
            related_work_experience=_number(row["related_work_experience"]),
            on_the_job_training=_number(row["on_the_job_training"]),
            annual_earnings=_number(row["annual_earnings"]),
            inherited_from=inherited if isinstance(inherited, str) else None,
            source=graph,
        )
        known = found.get(occupation)
        if known is None or _rank(candidate) < _rank(known):
            found[occupation] = candidate
    return found


def _rank(values: Preparation) -> tuple[bool, str, str]:
    return (values.inherited_from is not None, values.source, values.inherited_from or "")


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# What each point of the scales means, in our words, after O*NET's public definitions of its
# Job Zones and of its Education, Training and Experience scales (RL, RW, OJ).
JOB_ZONES: Final = (
    "little or no preparation: some need a high school diploma, and a few days to a few "
    "months of training with an experienced worker",
    "some preparation: usually a high school diploma, some related experience, and a few "
    "months to a year of training on the job",
    "medium preparation: most need vocational training, an associate's degree or an "
    "apprenticeship, and a year or two of related experience",
    "considerable preparation: most need a four-year bachelor's degree and several years "
    "of related experience",
    "extensive preparation: most need a graduate degree (a master's, a doctorate, a medical "
    "or law degree) and more than five years of related experience",
)
EDUCATION_LEVELS: Final = (
    "less than a high school diploma",
    "a high school diploma or equivalent",
    "a post-secondary certificate",
    "some college courses",
    "an associate's degree",
    "a bachelor's degree",
    "a post-baccalaureate certificate",
    "a master's degree",
    "a post-master's certificate",
    "a first professional degree (such as medicine or law)",
    "a doctoral degree",
    "post-doctoral training",
)
_DURATIONS: Final = (
    "up to 1 month",
    "1 to 3 months",
    "3 to 6 months",
    "6 months to 1 year",
    "1 to 2 years",
    "2 to 4 years",
)
EXPERIENCE_LEVELS: Final = (
    "no related work experience",
    *(f"{d} of related work experience" for d in _DURATIONS),
    "4 to 6 years of related work experience",
    "6 to 8 years of related work experience",
    "8 to 10 years of related work experience",
    "over 10 years of related work experience",
)
TRAINING_LEVELS: Final = (
    "no on-the-job training beyond a short demonstration",
    *(f"{d} of on-the-job training" for d in _DURATIONS),
    "4 to 10 years of on-the-job training",
    "over 10 years of on-the-job training",
)


def _point(value: float, readings: tuple[str, ...]) -> str:
    """The reading of the scale point nearest ``value`` (a half rounds up); scales start at 1."""
    index = int(value + 0.5) - 1
    return readings[min(max(index, 0), len(readings) - 1)]


def describe_job_zone(zone: float) -> str:
    """Job Zone ``zone`` (1-5) as a person reads it: ``4`` is "considerable preparation: most
    need a four-year bachelor's degree and several years of related experience"."""
    return _point(zone, JOB_ZONES)


def describe_education(level: float) -> str:
    """Education level ``level`` (1-12) as a person reads it: ``6`` is "a bachelor's degree"."""
    return _point(level, EDUCATION_LEVELS)


def describe_experience(level: float) -> str:
    """Related work experience ``level`` (1-11): ``6`` is "1 to 2 years of related work
    experience"."""
    return _point(level, EXPERIENCE_LEVELS)


def describe_training(level: float) -> str:
    """On-the-job training ``level`` (1-9): ``1`` is "no on-the-job training beyond a short
    demonstration"."""
    return _point(level, TRAINING_LEVELS)
