"""One CSV reader for every loader (loaders/tables.py, issue 24): a table saved by Excel or
LibreOffice loads whatever its byte-order mark, delimiter and line ends, and loads the same
triples as the plain file; a table that is broken (a NUL byte, cut short inside a quoted
cell, not UTF-8, too large) stops the load with one line naming the file and line, and the
previous version stays served. The slow cases load the tiny bundle, not the sample."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from graph.errors import BundleError
from graph.store import LiveStore, active_version
from loaders import LoadReport, bundle_ntriples, datasets, onet, open_bundle, tables
from skillgraph.pipeline import sample_onet_path, sample_path
from tests import tiny

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
EXTERNAL = "https://example.org/onet/27-2012.00"
SKOS = "http://www.w3.org/2004/02/skos/core#"

MAPPING = [
    ["esco_uri", "external_uri", "match", "note"],
    [tiny.PRODUCER, EXTERNAL, "close", 'a note; with "quotes", a comma\nand a line break'],
    [tiny.DIRECTOR, "https://example.org/onet/27-2012.02", "broad", ""],
]
EXPECTED = (
    f"<{tiny.PRODUCER}> <{SKOS}closeMatch> <{EXTERNAL}> .\n"
    f"<{tiny.DIRECTOR}> <{SKOS}broadMatch> <https://example.org/onet/27-2012.02> .\n"
)


def _csv(
    rows: list[list[str]], *, delimiter: str = ",", line_end: str = "\n", bom: bool = False
) -> bytes:
    """``rows`` as a spreadsheet saves them: a cell quoted (as Excel quotes it) if it holds
    the delimiter, a quote or a line break, each row ended with ``line_end``."""
    lines = []
    for row in rows:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerow(row)
        lines.append(out.getvalue().removesuffix("\r\n") + line_end)
    return (b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode()


DIALECTS = {
    "plain.csv": _csv(MAPPING),
    # Excel's "CSV UTF-8": a byte-order mark, CRLF line ends (the refused file).
    "excel.csv": _csv(MAPPING, line_end="\r\n", bom=True),
    # Excel or LibreOffice where the decimal mark is a comma: semicolons.
    "european.csv": _csv(MAPPING, delimiter=";", line_end="\r\n", bom=True),
    "libreoffice.csv": _csv(MAPPING, delimiter=";"),
    # Old Mac line ends: a bare CR ends each row.
    "old-mac.csv": _csv(MAPPING, line_end="\r"),
    "tabs.tsv": _csv(MAPPING, delimiter="\t"),
    # A last row with no line end (RFC 4180 allows it; a hand-edited table often has it).
    "no-final-line-end.csv": _csv(MAPPING).rstrip(b"\n"),
    # A spreadsheet's blank rows: empty lines, and rows of empty (or blank) cells.
    "blank-rows.csv": _csv(MAPPING[:2]) + b",,,\n\n" + _csv(MAPPING[2:]) + b" , ,,\n",
    "european-blank-rows.csv": _csv(MAPPING, delimiter=";") + b";;;\r\n;;;\r\n",
}


@pytest.mark.parametrize("name", list(DIALECTS))
def test_a_mapping_table_loads_in_every_dialect_a_spreadsheet_saves(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(DIALECTS[name])
    text = "".join(datasets.mapping_ntriples(datasets.parse(str(path))))
    assert text == EXPECTED


def test_the_dialects_cover_what_they_claim() -> None:
    # The test above would prove nothing if the variants were not what they say.
    assert DIALECTS["excel.csv"].startswith(b"\xef\xbb\xbfesco_uri,external_uri")
    assert b"\r\n" in DIALECTS["excel.csv"]
    assert DIALECTS["european.csv"].count(b";") >= 9
    assert b"\n" not in DIALECTS["old-mac.csv"].replace(b"a comma\nand", b"")
    assert DIALECTS["tabs.tsv"].count(b"\t") == 9
    assert not DIALECTS["no-final-line-end.csv"].endswith(b"\n")
    assert DIALECTS["european-blank-rows.csv"].endswith(b";;;\r\n")


def _nul(path: Path) -> None:
    path.write_bytes(_csv(MAPPING) + f"{tiny.BUDGET},{EXTERNAL},exact,a\x00b\n".encode())


def _cut_in_a_quote(path: Path) -> None:
    data = _csv(MAPPING)
    path.write_bytes(data[: data.index(b"a comma") + 3])  # inside the note of line 2


def _cp1252(path: Path) -> None:
    path.write_bytes(
        _csv([*MAPPING, [tiny.BUDGET, EXTERNAL, "exact", "café"]]).replace(
            "é".encode(), "é".encode("cp1252")
        )
    )


def _stray_cr(path: Path) -> None:
    path.write_bytes(_csv(MAPPING) + f"{tiny.BUDGET},{EXTERNAL},exact,a\rb\n".encode())


def _too_many_cells(path: Path) -> None:
    path.write_bytes(_csv([*MAPPING, [tiny.BUDGET, EXTERNAL, "exact", "", "extra"]]))


BAD: dict[str, tuple[Callable[[Path], None], int, str]] = {
    # the case: how the file is written, the line named, the reason
    "nul": (_nul, 5, "a NUL byte"),
    "cut-short": (_cut_in_a_quote, 2, "the file ends inside a quoted cell"),
    "not-utf8": (_cp1252, 5, "not UTF-8 text (byte 0xe9): save the file as UTF-8"),
    "stray-cr": (_stray_cr, 5, "a carriage return without a line feed"),
    "too-many-cells": (_too_many_cells, 5, "5 cells where the header has 4 columns"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_broken_mapping_table_is_refused_naming_file_and_line(tmp_path: Path, case: str) -> None:
    write, line, reason = BAD[case]
    path = tmp_path / f"{case}.csv"
    write(path)
    with pytest.raises(BundleError) as caught:
        "".join(datasets.mapping_ntriples(datasets.parse(str(path))))
    assert (caught.value.file, caught.value.line) == (path.name, line)
    assert reason in caught.value.reason


def test_the_line_named_is_the_editors_after_cells_that_span_lines(tmp_path: Path) -> None:
    # Line 2's note spans two lines, so the fourth row, with the bad byte, is on line 5,
    # whatever ends the lines.
    for line_end in ("\n", "\r\n", "\r"):
        path = tmp_path / "latin.csv"
        path.write_bytes(
            _csv([*MAPPING, [tiny.BUDGET, EXTERNAL, "exact", "café"]], line_end=line_end).replace(
                "é".encode(), b"\xe9"
            )
        )
        with pytest.raises(BundleError, match=r"^latin\.csv, line 5: not UTF-8"):
            "".join(datasets.mapping_ntriples(datasets.parse(str(path))))


def test_a_cell_or_a_table_over_its_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(_csv([*MAPPING, [tiny.BUDGET, EXTERNAL, "exact", "x" * 5000]]))
    monkeypatch.setattr(tables, "MAX_CELL_CHARS", 4096)
    with pytest.raises(
        BundleError, match=r"^big\.csv, line 5: a cell longer than the 4,096 characters"
    ):
        "".join(datasets.mapping_ntriples(datasets.parse(str(path))))
    monkeypatch.setattr(tables, "MAX_CELL_CHARS", 8192)
    assert "".join(datasets.mapping_ntriples(datasets.parse(str(path)))).count("\n") == 3
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 1024)
    with pytest.raises(BundleError, match=r"^big\.csv, line \d+: holds more than the 1,024 bytes"):
        "".join(datasets.mapping_ntriples(datasets.parse(str(path))))


def _load(bundle: Path, root: Path, *extra: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SKILLGRAPH, "load", str(bundle), *map(str, extra), "--store", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_loads_an_excel_table_and_refuses_a_broken_one_in_one_line(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    root = tmp_path / "store"
    excel = tmp_path / "map.csv"  # the file: Excel's "CSV UTF-8", semicolons here
    excel.write_bytes(DIALECTS["european.csv"])
    done = _load(tiny_bundle, root, excel)
    assert done.returncode == 0, done.stderr
    store = LiveStore(root).get()
    graph = "https://w3id.org/skillgraph/graph/map"
    found = store.store.quads_for_pattern(
        NamedNode(tiny.PRODUCER), NamedNode(f"{SKOS}closeMatch"), None, NamedNode(graph)
    )
    assert [quad.object for quad in found] == [NamedNode(EXTERNAL)]
    before, triples = active_version(root), store.triples
    for case in ("nul", "cut-short", "not-utf8"):
        write, line, reason = BAD[case]
        write(excel)
        done = _load(tiny_bundle, root, excel)
        assert done.returncode == 1
        assert done.stderr.startswith(f"Error: map.csv, line {line}: "), done.stderr
        assert reason in done.stderr and len(done.stderr.strip().splitlines()) == 1
        assert active_version(root) == before
        assert LiveStore(root).get().triples == triples


def _resave(folder: Path, target: Path, *, delimiter: str, line_end: str, bom: bool) -> Path:
    """Every CSV file of ``folder`` as a spreadsheet would save it again."""
    target.mkdir()
    for path in folder.glob("*.csv"):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
        (target / path.name).write_bytes(
            _csv(rows, delimiter=delimiter, line_end=line_end, bom=bom)
        )
    return target


@pytest.mark.parametrize(
    ("delimiter", "line_end", "bom"),
    [(";", "\r\n", True), ("\t", "\n", False), (",", "\r", False)],
    ids=["excel-european", "tabs", "old-mac"],
)
def test_an_esco_bundle_resaved_by_a_spreadsheet_gives_the_same_triples(
    tiny_bundle: Path, tmp_path: Path, delimiter: str, line_end: str, bom: bool
) -> None:
    resaved = _resave(
        tiny_bundle, tmp_path / "resaved", delimiter=delimiter, line_end=line_end, bom=bom
    )
    assert (resaved / "occupations_en.csv").read_bytes() != (
        tiny_bundle / "occupations_en.csv"
    ).read_bytes()
    plain, other = LoadReport(), LoadReport()
    expected = "".join(bundle_ntriples(open_bundle(tiny_bundle), plain))
    assert "".join(bundle_ntriples(open_bundle(resaved), other)) == expected
    assert other.rows == plain.rows and plain.rows["occupations"] == 6


def test_the_sample_bundle_resaved_by_excel_loads_the_same_triples(tmp_path: Path) -> None:
    # The sample has cells that span lines and hold commas and quotes, in three languages.
    resaved = _resave(sample_path(), tmp_path / "excel", delimiter=";", line_end="\r\n", bom=True)
    expected = "".join(bundle_ntriples(open_bundle(sample_path()), LoadReport()))
    assert "".join(bundle_ntriples(open_bundle(resaved), LoadReport())) == expected


def test_o_net_s_text_release_loads_as_its_csv_files_do(tmp_path: Path) -> None:
    # O*NET publishes its database as tab-separated text files named otherwise.
    report = LoadReport()
    "".join(bundle_ntriples(open_bundle(sample_path()), report))
    source = sample_onet_path()
    text = tmp_path / "onet-text"
    text.mkdir()
    for csv_name, text_name in onet.TEXT_RELEASE_NAMES.items():
        with (source / csv_name).open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
        (text / text_name).write_bytes(_csv(rows, delimiter="\t", line_end="\r\n"))
    for crosswalk in source.glob(onet.CROSSWALK_GLOB):
        (text / crosswalk.name).write_bytes(crosswalk.read_bytes())
    assert onet.is_onet_folder(text) and not (text / onet.OCCUPATIONS_FILE).exists()
    expected = "".join(onet.onet_ntriples(source, report.facts, onet.OnetReport()))
    found = onet.OnetReport()
    assert "".join(onet.onet_ntriples(text, report.facts, found)) == expected
    assert found.occupations == 90 and found.related == 160


def test_a_semicolon_o_net_file_with_a_missing_column_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "onet"
    folder.mkdir()
    (folder / "occupation_data.csv").write_bytes(
        _csv([["O*NET-SOC Code", "Title"], ["27-2012.00", "Producers"]], delimiter=";", bom=True)
    )
    with pytest.raises(
        BundleError,
        match=r"^occupation_data\.csv, line 1: missing column Description "
        r"\(the header has: O\*NET-SOC Code, Title\)",
    ):
        "".join(onet.onet_ntriples(folder, LoadReport().facts, onet.OnetReport()))
