"""The one CSV reader of every loader: ESCO's files, mapping tables and O*NET's files.

A table is read as spreadsheets save it, and refused, with its file and line, where reading
it could load less or other than it holds:

- **Encoding**: UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8" writes one,
  as O*NET's files have). Other bytes are refused with the line they are on: there is no
  fallback to a legacy code page, which would turn a Polish or Greek file saved in its own
  code page into wrong labels without a word.
- **Delimiter**: a tab for ``.tsv`` and ``.txt`` files (O*NET's text release); otherwise a
  comma, a semicolon (as Excel and LibreOffice save CSV in locales whose decimal mark is a
  comma) or a tab, whichever splits the header into the columns the loader needs (else the
  one that splits it into the most cells, a comma on a tie). Cells are quoted as
  :mod:`csv` quotes them (RFC 4180), and the parser is strict.
- **Line ends**: LF, CRLF, or a bare CR (old Mac and Excel for Mac) when the header ends
  with one. In a file whose header ends with LF or CRLF a bare CR is refused (outside
  quotes it would end a row where nobody sees one); one at the very end of such a file is
  a CRLF cut in two, and is called cut short.
- **Cut short**: a file that ends inside a quoted cell is refused with the line the row
  starts on, never loaded as far as it goes. With ``require_final_line_end`` (an ESCO
  download, whose files all end so) a file that does not end with a line end is refused
  too, and its last row is never handed on.
- **NUL bytes** are refused with their line (no text format holds them; a binary file
  named ``.csv`` does).
- **Size**: a file over :data:`MAX_FILE_BYTES` (counted as it is read: a zip's header can
  lie) or a cell over :data:`MAX_CELL_CHARS` is refused.
- **Shape**: header names are stripped of surrounding spaces; a row with more cells than
  the header is refused, one with fewer reads the missing cells as empty (the official
  ``skillsHierarchy`` file leaves trailing cells out), and a row whose cells are all empty
  (a spreadsheet's blank row: ``;;;``) is skipped.

Rows come as ``(line, {column: cell})``, ``line`` being the physical line the row starts on
(1 is the header), as an editor numbers them.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from graph.errors import BundleError

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The most a table may hold. The largest file of a full ESCO release, its occupation-skill
relations, is about 20 MB in one language."""

MAX_CELL_CHARS = 8 * 1024 * 1024
"""The most characters a cell may hold. The largest of a full ESCO release, the top concepts
of the member-skills scheme in ``conceptSchemes_en.csv``, has 651,423."""

TAB_SUFFIXES = (".tsv", ".txt")
"""Files whose cells are separated by tabs, whatever their header holds."""

DELIMITERS = (",", ";", "\t")
"""The delimiters of any other file, in the order they are tried."""

Row = dict[str, str]

_BOM = b"\xef\xbb\xbf"


class _TooLarge(Exception):
    """A file passed :data:`MAX_FILE_BYTES` as it was read."""


class _CountingReader(io.RawIOBase):
    """Passes bytes through and reports how many went by (for a progress bar), and stops
    a file past :data:`MAX_FILE_BYTES`."""

    def __init__(self, raw: IO[bytes], on_bytes: Callable[[int], None] | None) -> None:
        self._raw = raw
        self._on_bytes = on_bytes
        self.limit = MAX_FILE_BYTES
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        if data:
            self.total += len(data)
            if self.total > self.limit:
                raise _TooLarge
            if self._on_bytes is not None:
                self._on_bytes(len(data))
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Lines:
    """A file's physical lines as text, each with its line end: decoded line by line (so
    that a byte that is not UTF-8 is named with its line), split at LF, CRLF and (in a
    file whose header ends so) a bare CR, checked for NUL bytes."""

    def __init__(self, binary: IO[bytes], name: str) -> None:
        self._binary = binary
        self._name = name
        self.ended = True
        """whether the file ends with a line end (known once every line went by)"""

    def _fail(self, reason: str, line: int) -> BundleError:
        return BundleError(reason, file=self._name, line=line)

    def __iter__(self) -> Iterator[str]:
        number = 0  # the lines handed on
        bare_cr_ends = False  # the header ends with a bare CR: so do the other lines
        stray = False  # a line ending with a bare CR in a file of LF or CRLF, held back
        text = ""
        for chunk in self._binary:  # split at LF: a UTF-8 sequence never holds that byte
            if number == 0 and chunk.startswith(_BOM):
                chunk = chunk[len(_BOM) :]
                if not chunk:
                    continue
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError as error:
                where = number + 1 + stray + chunk.count(b"\r", 0, error.start)
                byte = chunk[error.start : error.start + 1].hex()
                raise self._fail(
                    f"not UTF-8 text (byte 0x{byte}): save the file as UTF-8 "
                    '(Excel: "CSV UTF-8"; LibreOffice: the character set "Unicode (UTF-8)")',
                    where,
                ) from None
            if number and not stray and "\x00" not in text:  # the common case, made short
                cr = text.find("\r")
                if cr < 0 or (cr == len(text) - 2 and text[-1] == "\n"):
                    number += 1
                    yield text
                    continue
            if "\r" in text and not (text.endswith("\r\n") and text.count("\r") == 1):
                lines: Sequence[str] = _split_at_bare_cr(text)
            else:
                lines = (text,)
            for line in lines:
                if stray:
                    raise self._fail(
                        "a carriage return without a line feed (a stray CR, which would end "
                        "the row, in a file whose lines end otherwise)",
                        number + 1,
                    )
                if number == 0:
                    bare_cr_ends = line.endswith("\r")
                if "\x00" in line:
                    raise self._fail("a NUL byte (is it a text file?)", number + 1)
                if line[-1] == "\r" and not bare_cr_ends:
                    stray = True  # refused if a line follows; if none, a CRLF cut in two
                    continue
                number += 1
                yield line
        if stray:
            raise self._fail(
                "the file ends inside a line end (a CR without its LF): it was cut short",
                number + 1,
            )
        self.ended = text.endswith(("\n", "\r"))


def _split_at_bare_cr(text: str) -> list[str]:
    """``text`` (one LF-ended chunk, or the end of the file) cut after each CR not followed
    by an LF, every piece keeping its line end."""
    parts = text.split("\r")
    lines = [part + "\r" for part in parts[:-1]]
    last = parts[-1]
    if last.startswith("\n"):  # a CRLF: its LF ends the line its CR started to end
        lines[-1] += "\n"
        last = last[1:]
    if last:
        lines.append(last)
    return lines


def delimiter_for(name: str, header: str, required: Sequence[str]) -> str:
    """The delimiter of a file named ``name`` whose first line is ``header``: a tab for
    :data:`TAB_SUFFIXES`, else the first of :data:`DELIMITERS` by which the header names
    every ``required`` column, else the one that splits it into the most cells."""
    if name.lower().endswith(TAB_SUFFIXES):
        return "\t"
    best, most = DELIMITERS[0], 0
    for delimiter in DELIMITERS:
        try:
            cells = [cell.strip() for cell in next(csv.reader([header], delimiter=delimiter))]
        except (csv.Error, StopIteration):
            continue  # a header cell that spans lines: the parse will say what is wrong
        if required and all(column in cells for column in required):
            return delimiter
        if len(cells) > most:
            best, most = delimiter, len(cells)
    return best


def read_table(
    open_binary: Callable[[], IO[bytes]],
    name: str,
    *,
    required: Sequence[str] = (),
    require_final_line_end: bool = False,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, Row]]:
    """The rows of the table ``open_binary`` opens, as ``(line, {column: cell})`` (see the
    module's doc for what is read and what is refused). ``name`` is the file as people are
    shown it, in errors; its suffix chooses the delimiter with the header's columns.

    :raises BundleError: naming ``name`` and the line, on a missing ``required`` column, a
        row with more cells than the header, bytes that are not UTF-8, CSV that cannot be
        parsed (a quoted cell the file ends inside included), a NUL byte, a stray CR, a
        file over :data:`MAX_FILE_BYTES` or a cell over :data:`MAX_CELL_CHARS`, an empty
        file, or (``require_final_line_end``) a file that does not end with a line end.
    """
    raw = _CountingReader(open_binary(), on_bytes)
    binary = io.BufferedReader(raw, 1 << 16)
    lines = _Lines(binary, name)
    stream = iter(lines)
    line = 1
    # Set on every read: the limit is the csv module's, and other code may set it too.
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        try:
            first = next(stream)
        except StopIteration:
            raise BundleError("the file is empty", file=name, line=1) from None
        delimiter = delimiter_for(name, first, required)
        reader = csv.reader(itertools.chain((first,), stream), delimiter=delimiter, strict=True)
        header = [cell.strip() for cell in next(reader)]
        absent = [column for column in required if column not in header]
        if absent:
            raise BundleError(
                f"missing column{'s' if len(absent) > 1 else ''} {', '.join(absent)} "
                f"(the header has: {', '.join(header)})",
                file=name,
                line=1,
            )
        width = len(header)
        # With require_final_line_end, each row is handed on once the next is read: the
        # last only once the file is known to end with a line end, so that a row cut short
        # is never loaded.
        pending: tuple[int, Row] | None = None
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                if require_final_line_end and not lines.ended:
                    raise BundleError(
                        "the file ends inside a row (no line end after it): it was cut short",
                        file=name,
                        line=pending[0] if pending else line,
                    ) from None
                if pending is not None:
                    yield pending
                return
            if len(cells) != width:
                if len(cells) > width:
                    raise BundleError(
                        f"{len(cells)} cells where the header has {width} columns",
                        file=name,
                        line=line,
                    )
                cells += [""] * (width - len(cells))
            if not "".join(cells).strip():
                continue
            row = (line, dict(zip(header, cells, strict=True)))
            if not require_final_line_end:
                yield row
                continue
            if pending is not None:
                yield pending
            pending = row
    except csv.Error as error:
        raise BundleError(_csv_reason(error), file=name, line=line) from None
    except _TooLarge:
        raise BundleError(
            f"holds more than the {raw.limit:,} bytes a table may hold", file=name, line=line
        ) from None
    finally:
        binary.close()


def read_file(
    path: Path, *, required: Sequence[str] = (), require_final_line_end: bool = False
) -> Iterator[tuple[int, Row]]:
    """The rows of the table in file ``path`` (:func:`read_table`), named by its file name."""
    return read_table(
        lambda: path.open("rb"),
        path.name,
        required=required,
        require_final_line_end=require_final_line_end,
    )


def _csv_reason(error: csv.Error) -> str:
    message = str(error)
    if "field larger than field limit" in message:
        return f"a cell longer than the {MAX_CELL_CHARS:,} characters a cell may hold"
    reason = f"malformed CSV: {message}"
    if "unexpected end of data" in message:
        reason += " (the file ends inside a quoted cell: cut short, or a quote left open)"
    return reason
