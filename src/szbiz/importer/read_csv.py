"""CSV, as Excel or a script saves a table: a row per record.

Excel on Chinese Windows saves GBK, elsewhere UTF-8 with a byte-order mark;
both are read, as is UTF-8 without the mark. The separator is the one of
``,``, ``;`` (Excel where the decimal point is a comma) and TAB that splits the
first records most evenly. A record keeps the number of the line it starts
on: a quoted cell may hold line breaks.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from szbiz.errors import Message
from szbiz.i18n import N_, _
from szbiz.importer.formats import Rows, decode, fail
from szbiz.importer.grid import Grid

SEPARATORS = (",", ";", "\t")
SNIFF_RECORDS = 50  # records looked at to choose the separator


def separator(text: str) -> str:
    """The separator that splits the first records into the same number (above one) of
    cells most often; a comma when none does."""
    best, best_score = ",", (0, 0)
    for candidate in SEPARATORS:
        counts: dict[int, int] = {}
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=candidate)
        try:
            for record in reader:
                if record:
                    counts[len(record)] = counts.get(len(record), 0) + 1
                if reader.line_num >= SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        width, often = max(counts.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        score = (often, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_csv(path: Path, data: bytes) -> Grid:
    """The records of a CSV file, each with the line it starts on."""
    text = decode(path, data)
    rows = Rows(path)
    where = _("line {n}")
    # csv's own limit on a cell (128 KiB) holds: a measure is a paragraph or two.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    start = 1
    try:
        for record in reader:
            rows.add(tuple(record), where.format(n=start), start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise fail(
            path,
            Message(N_("cannot read the CSV record starting here ({why})"), why=str(exc)),
            start,
        ) from None
    return rows.grid()
