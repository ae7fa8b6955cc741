"""A source document as rows of cells, whatever its format: the readers' output and the
table reader's input.

Every reader (tab-separated text, CSV, Excel, Word, PDF) turns its file into a Grid:
the rows in document order, each with where it was found, so that a problem can name
the line or cell. A paragraph outside a table (a title, a heading, a preamble) is a row
of one cell. Merged cells are repeated in each row they span.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[str, ...]  # as written, not stripped
    where: str  # for messages: "line 7", "Sheet1!A7", "table 1, row 7", "page 2, table 1, row 3"
    line: int = 0  # the line or row number, where the format has one (0 otherwise)


@dataclass(frozen=True, slots=True)
class Grid:
    source: str  # the file's name, as problems name it
    rows: tuple[Row, ...]
