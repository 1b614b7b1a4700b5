"""An occupation attributes table beside ESCO: each occupation's preparation and earnings
(``skillgraph load BUNDLE ATTRIBUTES.csv``), into the dataset's own named graph.

**What is an attributes table.** A CSV (or ``.tsv``) file whose header has a key column,
``concept_uri`` or ``esco_uri`` (the ESCO occupation's URI; not both), at least one of the
attribute columns below, and neither of a mapping table's ``external_uri`` and ``match``
(a file with those is a mapping table, :mod:`loaders.datasets`). Nesta's Mapping Career
Causeways publishes its occupations so (``concept_uri``, ``job_zone``, ...).

**The columns** (:data:`graph.preparation.ATTRIBUTES`) and the ``sg:`` properties their
values are written with, as ``xsd:decimal`` (the values may be averages, like 2.1163):

=========================  ============================  =====================================
column                     property                      values
=========================  ============================  =====================================
job_zone                   sg:jobZone                    O*NET Job Zone, 1 to 5
education_level            sg:educationLevel             O*NET scale RL, 1 to 12
related_work_experience    sg:relatedWorkExperience      O*NET scale RW, 1 to 11
on_the_job_training        sg:onTheJobTraining           O*NET scale OJ, 1 to 9
annual_earnings            sg:annualEarnings             a number, 0 or more, as given
=========================  ============================  =====================================

Earnings are written as the file gives them, in its currency: the store converts nothing and
records no currency (Nesta's are British pounds). An empty cell is no value. Other columns
are not loaded, and the load's report lists them.

**Rows.** Each row's values go on the occupation itself, in the dataset's graph
(``<occupation> sg:jobZone 2.0``). A row whose URI is not an occupation of the loaded ESCO
bundle (another release's, or not ESCO's) is counted and reported, not loaded; a row with
no value at all is counted and skipped. A value that is not a number, or out of its scale,
an empty or invalid key, or an occupation given twice stops the load with the file, line
and reason.

**Inheritance.** An ESCO occupation without a row of its own (Nesta's table covers only the
occupations just below the ISCO unit groups) takes the values of its nearest broader
occupation that has one, climbing the ESCO hierarchy one level at a time (ISCO groups end
the climb); where several at the same distance have one, the first by URI. Its values are
written as its own are, with ``<occupation> sg:inheritedFrom <ancestor>`` in the same graph
to say where they come from.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pyoxigraph import NamedNode

from graph import terms as t
from graph.analytics import ClassificationFacts
from graph.errors import BundleError
from graph.preparation import ATTRIBUTES, INHERITED_FROM, Attribute
from loaders import tables

KEY_COLUMNS = ("concept_uri", "esco_uri")
"""The columns that may name the occupation a row is about (one of them, not both)."""
MAPPING_ONLY = ("external_uri", "match")
"""A mapping table's columns: a table with either is not an attributes table."""
ATTRIBUTE_COLUMNS = tuple(a.column for a in ATTRIBUTES)

_DECIMAL = f"^^<{t.XSD}decimal>"
_SHOWN = 3
"""How many of the rows naming occupations the bundle lacks the report names."""


def header(path: Path) -> list[str] | None:
    """The column names of the table at ``path``, or None where its first line cannot be read
    as UTF-8 (the table reader will say what is wrong when it is loaded)."""
    try:
        with path.open("rb") as handle:
            first = handle.read(1 << 16)
    except OSError:
        return None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A cut multi-byte character at the end of what was read, or another encoding.
        try:
            text = first[:-3].decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    line = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
    for key in KEY_COLUMNS:
        delimiter = tables.delimiter_for(path.name, line, (key,))
        try:
            cells = [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]
        except (csv.Error, StopIteration):
            return None
        if key in cells:
            return cells
    return []


def is_attributes_table(path: Path) -> bool:
    """Whether the table at ``path`` is an attributes table (see the module's doc): a key
    column, an attribute column, and no mapping-table column."""
    columns = header(path)
    if not columns:
        return False
    return (
        any(key in columns for key in KEY_COLUMNS)
        and any(column in columns for column in ATTRIBUTE_COLUMNS)
        and not any(column in columns for column in MAPPING_ONLY)
    )


@dataclass
class AttributesReport:
    """What an attributes table's load read and wrote."""

    rows: int = 0
    own: int = 0
    """occupations with values of their own"""
    inherited: int = 0
    """occupations that inherit values from a broader occupation"""
    empty: int = 0
    """rows with no value in any attribute column"""
    not_in_bundle: list[str] = field(default_factory=list)
    """the URIs of the rows naming no occupation of the bundle, in file order"""
    columns: list[str] = field(default_factory=list)
    """the attribute columns the file has"""
    ignored_columns: list[str] = field(default_factory=list)
    """the columns that are not loaded"""

    def summary(self) -> str:
        """What the load did, for its output and the store's sources: a line of counts, and
        one naming the columns not loaded where there are some."""
        parts = [
            f"{_count(self.rows, 'row')}: {_count(self.own, 'occupation')} with values of "
            f"their own ({', '.join(self.columns)}), {self.inherited:,} inheriting a broader "
            "occupation's"
        ]
        if self.empty:
            parts.append(f"{_count(self.empty, 'row')} with no value")
        if self.not_in_bundle:
            shown = ", ".join(self.not_in_bundle[:_SHOWN])
            more = ", ..." if len(self.not_in_bundle) > _SHOWN else ""
            parts.append(
                f"{_count(len(self.not_in_bundle), 'row')} naming no occupation of the bundle, "
                f"not loaded ({shown}{more})"
            )
        lines = ["; ".join(parts)]
        if self.ignored_columns:
            lines.append("columns not loaded: " + ", ".join(self.ignored_columns))
        return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def attributes_ntriples(
    path: Path, facts: ClassificationFacts, report: AttributesReport
) -> Iterator[str]:
    """The attributes table at ``path`` as N-Triples text, in pieces (see the module's doc).
    ``facts`` are the ESCO bundle's, read before: its occupations and the hierarchy values
    are inherited down.

    :raises BundleError: at the first row that is not what it should be, with its line.
    """
    name = path.name
    own: dict[str, list[tuple[Attribute, str]]] = {}
    lines_of: dict[str, int] = {}
    key = ""
    for line, row in tables.read_file(path):
        if not key:
            key = _key(list(row), name)
            report.columns = [c for c in ATTRIBUTE_COLUMNS if c in row]
            report.ignored_columns = [c for c in row if c != key and c not in ATTRIBUTE_COLUMNS]
        report.rows += 1
        uri = row[key].strip()
        if not uri:
            raise BundleError(f"no {key}", file=name, line=line)
        try:
            NamedNode(uri)
        except ValueError as error:
            raise BundleError(
                f"{key} {uri!r} is not a valid IRI ({error})", file=name, line=line
            ) from None
        values = [
            (attribute, _value(attribute, row[attribute.column], name, line))
            for attribute in ATTRIBUTES
            if row.get(attribute.column, "").strip()
        ]
        if uri in lines_of:
            raise BundleError(
                f"{uri} has a row already (line {lines_of[uri]})", file=name, line=line
            )
        lines_of[uri] = line
        if uri not in facts.occupations:
            report.not_in_bundle.append(uri)
            continue
        if not values:
            report.empty += 1
            continue
        own[uri] = values
    if not key:  # a header and no row: the columns are still worth reporting
        columns = header(path) or []
        key = _key(columns, name)
        report.columns = [c for c in ATTRIBUTE_COLUMNS if c in columns]
        report.ignored_columns = [c for c in columns if c != key and c not in ATTRIBUTE_COLUMNS]
    report.own = len(own)

    text: list[str] = []
    for uri, values in sorted(own.items()):
        text += _value_lines(uri, values)
    yield "".join(text)
    text.clear()
    for uri in sorted(facts.occupations):
        if uri in own:
            continue
        ancestor = _nearest(uri, own, facts)
        if ancestor is None:
            continue
        report.inherited += 1
        text += _value_lines(uri, own[ancestor])
        text.append(f"<{uri}> <{INHERITED_FROM}> <{ancestor}> .\n")
        if len(text) >= 10_000:
            yield "".join(text)
            text.clear()
    yield "".join(text)


def _key(columns: list[str], name: str) -> str:
    keys = [k for k in KEY_COLUMNS if k in columns]
    if len(keys) != 1:
        said = (
            "both " + " and ".join(KEY_COLUMNS) if keys else "neither of " + ", ".join(KEY_COLUMNS)
        )
        raise BundleError(
            f"an attributes table names its occupations in one column, {' or '.join(KEY_COLUMNS)}: "
            f"the header has {said}",
            file=name,
            line=1,
        )
    return keys[0]


def _value(attribute: Attribute, cell: str, file: str, line: int) -> str:
    """The cell as an ``xsd:decimal``'s lexical form.

    :raises BundleError: if it is not a number, or not on the attribute's scale.
    """
    text = cell.strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise BundleError(f"{attribute.column} {text!r} is not a number", file=file, line=line)
    if (attribute.low is not None and number < Decimal(str(attribute.low))) or (
        attribute.high is not None and number > Decimal(str(attribute.high))
    ):
        scale = (
            f"from {attribute.low:g} to {attribute.high:g}"
            if attribute.high is not None
            else f"{attribute.low:g} or more"
        )
        raise BundleError(
            f"{attribute.column} {text} is out of its scale ({scale})", file=file, line=line
        )
    lexical = format(number, "f")
    return lexical if "." in lexical else lexical + ".0"


def _value_lines(uri: str, values: list[tuple[Attribute, str]]) -> list[str]:
    return [
        f'<{uri}> <{attribute.property}> "{value}"{_DECIMAL} .\n' for attribute, value in values
    ]


def _nearest(uri: str, own: Mapping[str, object], facts: ClassificationFacts) -> str | None:
    """The nearest broader occupation of ``uri`` that has values of its own (the first by URI
    among the nearest), climbing only through occupations."""
    seen = {uri}
    level = [uri]
    while level:
        above = sorted(
            {
                parent
                for concept in level
                for parent in facts.broader.get(concept, ())
                if parent in facts.occupations and parent not in seen
            }
        )
        found = [parent for parent in above if parent in own]
        if found:
            return found[0]
        seen.update(above)
        level = above
    return None
