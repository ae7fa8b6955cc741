"""Rows and columns, rendered as a terminal table, TSV, CSV, JSON, Markdown or ids."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from szbiz.render import Registry

if TYPE_CHECKING:
    from rich.table import Table

Justify = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # shown by the table and Markdown
    justify: Justify = "left"
    table: bool = True  # a column of the terminal table and Markdown
    text: bool = True  # a column of TSV and CSV
    flexible: bool = False  # the table narrows this column (cutting with …) to fit


@dataclass(frozen=True)
class Sheet:
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    footer: str = ""
    id_key: str = "id"  # the column ``ids`` prints: what names a row for xargs


@dataclass(frozen=True)
class Style:
    width: int = 100
    color: bool = False


Renderer = Callable[[Sheet, Style], str]
SHEET_FORMATS: Registry[Renderer] = Registry("output")


def cell(value: Any) -> str:
    """A value as text: lists joined with 、, dates as YYYY-MM-DD, nothing as ''."""
    if type(value) is str:  # the common case first: most cells are text
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "、".join(cell(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


READABLE_ROWS = 1000


def to_json(data: Any, rows: int, default: Callable[[Any], Any] | None = None) -> str:
    """JSON indented for reading, or compact past READABLE_ROWS rows.

    Python's encoder writes indented JSON without its C accelerator, which
    took over a second for a report of 46,000 overdue tasks; a program reading
    that much does not need the indentation.
    """
    import json

    indent = 2 if rows <= READABLE_ROWS else None
    return json.dumps(data, ensure_ascii=False, indent=indent, default=default) + "\n"


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percent, halves rounded up: 1 of 8 is ``13%``."""
    if whole <= 0:
        return "–"
    return f"{(200 * part + whole) // (2 * whole)}%"


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_rich(renderable: Any, style: Style) -> str:
    """A rich renderable as text at the style's width, with colour codes only if asked."""
    from rich.console import Console

    out = io.StringIO()
    console = Console(
        file=out,
        width=style.width,
        force_terminal=style.color,
        color_system="standard" if style.color else None,
        no_color=not style.color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(renderable)
    # Rich pads every line to the full width; trailing spaces only get in the way.
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def one_line(text: str) -> str:
    """Text for a one-line cell: line breaks and tabs become spaces."""
    return " ".join(text.replace("\r\n", "\n").replace("\t", " ").splitlines())


# What a cell may hold that rich strips (some control codes) or that breaks a line.
_UNUSUAL = "[\x00-\x1f\x7f\x85\u2028\u2029]"  # compiled on first use
_SPACE = r"\s"
# A zero-width joiner makes rich measure the text around it its own way (a joiner
# then a space takes no cell): tables holding one are set by rich itself.
_JOINER = "\u200d"


class _Column:
    """One column's cells as rich would set them, and how wide each is in terminal cells.

    The work is done once per distinct value: a column of deadlines or agencies
    repeats a few values many times.
    """

    def __init__(self, cells: Sequence[str]) -> None:
        from rich.cells import cell_len, get_character_cell_size

        distinct = set(cells)
        joined = "".join(distinct)
        if re.search(_UNUSUAL, joined):
            from rich.control import strip_control_codes  # its import costs 8 ms

            cells = [one_line(strip_control_codes(c)) for c in cells]
            distinct = set(cells)
            joined = "".join(distinct)
        self.cells = cells
        # Where every character takes one cell or two, a value's cells are drawn by
        # ``table``: "a" for a narrow character, "bc" for a wide one.
        self.table: dict[int, str] | None = None
        self.narrow = False  # every character takes one cell
        if joined.isascii() and joined.isprintable():  # as ids, dates and numbers
            self.table = dict.fromkeys(map(ord, set(joined)), "a")
            self.narrow = True
            self.length = {c: len(c) for c in distinct}
            return
        if "\u200d" not in joined and "\ufe0f" not in joined:  # no joined graphemes
            widths = {c: get_character_cell_size(c) for c in set(joined)}
            if set(widths.values()) <= {1, 2}:
                self.table = {ord(c): "a" if w == 1 else "bc" for c, w in widths.items()}
                self.narrow = set(widths.values()) == {1}
                self.length = {c: len(c.translate(self.table)) for c in distinct}
                return
        self.length = {c: cell_len(c) for c in distinct}

    def extremes(self) -> tuple[int, int]:
        """The row with the widest cell, and the row with the widest word: what rich
        measures a column by."""
        from rich.cells import cell_len

        length = self.length
        order = sorted(length, key=length.__getitem__, reverse=True)
        best, best_value = -1, order[0]
        for value in order:  # a word is no wider than its cell
            if length[value] <= best:
                break
            words = value.split() if re.search(_SPACE, value) else [value]
            widest = max(map(cell_len, words)) if words else length[value]
            if widest > best:
                best, best_value = widest, value
        return self.cells.index(order[0]), self.cells.index(best_value)

    def fitted(self, width: int, justify: str) -> list[str]:
        """Every cell as rich sets a no-wrap text cut with …: cut, then justified in
        ``width`` cells."""
        if self.narrow:
            fits = max(self.length.values()) <= width
            if justify == "left" and fits:
                return [c.ljust(width) for c in self.cells]
            if justify == "right" and fits and not any(c[-1:].isspace() for c in self.length):
                return [c.rjust(width) for c in self.cells]
        fit = {value: self._fit(value, width, justify) for value in self.length}
        return [fit[c] for c in self.cells]

    def _fit(self, text: str, width: int, justify: str) -> str:
        from rich.cells import cell_len

        length = self.length[text]
        if justify in ("right", "center") and text[-1:].isspace():
            text = text.rstrip()
            length = cell_len(text)
        if length > width:
            text = self._cut(text, width - 1) + "…"
            length = width
        space = width - length
        if justify == "right":
            return " " * space + text
        if justify == "center":
            return " " * (space // 2) + text + " " * (space - space // 2)
        return text + " " * space

    def _cut(self, text: str, width: int) -> str:
        """The start of ``text`` that fills ``width`` cells, with a space for half a
        wide character."""
        from rich.cells import set_cell_size

        if self.table is None:
            return set_cell_size(text, width)
        if self.narrow:
            return text[:width]
        cells = text.translate(self.table)[:width]
        split = cells.endswith("b")  # a wide character that does not fit
        keep = len(cells) - cells.count("c") - split
        return text[:keep] + " " * split


def titled_grid(
    title: str, headers: Sequence[tuple[str, Justify]], flexible: Sequence[str] = ()
) -> Table:
    """An empty table of a report or 督办单: its title above, a rule under the headers;
    only the ``flexible`` columns give up width, the others never wrap."""
    from rich import box
    from rich.table import Table

    out = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False
    )
    for header, justify in headers:
        out.add_column(header, justify=justify, no_wrap=header not in flexible)
    return out


def print_columns(
    make_grid: Callable[[], Table], cells: Sequence[Sequence[str]], style: Style
) -> str:
    """The table ``make_grid`` makes (columns and headers, no rows, no caption) with
    ``cells``, a list of each column's, one-line text cut with … to fit: what
    :func:`print_rich` prints with a row added for each, but fast for thousands of rows.

    Rich renders every cell through several layers: seconds for a long table. Here
    rich lays out the table with only the rows that decide its column widths, plus
    two rows that mark where each column begins and ends; every row is then set as
    rich would set it.
    """
    from rich.text import Text

    def text(value: str, justify: Justify | None = None) -> Text:
        return Text(value, no_wrap=True, overflow="ellipsis", justify=justify)

    grid = make_grid()
    if not cells or not cells[0]:
        return print_rich(grid, style)
    columns = [_Column(c) for c in cells]
    rows = range(len(cells[0]))

    def every_row_by_rich() -> str:
        full = make_grid()
        for i in rows:
            full.add_row(*(text(c.cells[i]) for c in columns))
        return print_rich(full, style)

    if any(_JOINER in "".join(c.length) for c in columns):
        return every_row_by_rich()
    chosen = sorted({i for c in columns for i in c.extremes()})
    for i in chosen:
        grid.add_row(*(text(c.cells[i]) for c in columns))
    for justify in ("left", "right"):
        grid.add_row(*(text("|", justify) for _ in columns))
    marks = print_rich(grid, Style(width=style.width, color=False)).splitlines()[-2:]
    starts, ends = ([i for i, c in enumerate(m) if c == "|"] for m in marks)
    if len(starts) != len(columns) or len(ends) != len(columns):
        return every_row_by_rich()  # too narrow for every column to show a mark
    head = print_rich(grid, style).splitlines()[: -(len(chosen) + 2)]
    parts = []
    for j, (column, start, end, spec) in enumerate(
        zip(columns, starts, ends, grid.columns, strict=True)
    ):
        gap = " " * (start - (ends[j - 1] + 1 if j else 0))
        parts.append([gap + c for c in column.fitted(end - start + 1, spec.justify)])
    lines = ["".join(row) for row in zip(*parts, strict=True)]
    return "".join(f"{line.rstrip()}\n" for line in (*head, *lines))


@SHEET_FORMATS.register("table")
def table(sheet: Sheet, style: Style) -> str:
    shown = [c for c in sheet.columns if c.table]
    cells = [[cell(row.get(c.key)) for row in sheet.rows] for c in shown]
    drawn = plain_table(shown, cells, sheet.footer, style)
    return drawn if drawn is not None else rich_table(shown, cells, sheet.footer, style)


def rich_table(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], footer: str, style: Style
) -> str:
    """The terminal table, drawn by rich: each column's ``cells``, the footer below."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold" if style.color else "",
        caption=Text(footer) if footer else None,
        caption_justify="left",
        caption_style="dim" if style.color else "",
        pad_edge=False,
        show_edge=False,
        expand=False,
    )
    for column in columns:
        # Only flexible columns give up width; every cell stays on one line.
        grid.add_column(column.header, justify=column.justify, no_wrap=not column.flexible)
    for row in zip(*cells, strict=True):
        grid.add_row(*(Text(value, no_wrap=True, overflow="ellipsis") for value in row))
    return print_rich(grid, style)


def plain_table(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], footer: str, style: Style
) -> str | None:
    """What :func:`rich_table` draws, drawn here without rich's console and table.

    Importing and running them is most of what ``szbiz list`` costs on a terminal.
    The layout follows rich's: each column as wide as its widest cell, flexible
    columns narrowed in turn from the widest down, then every column evenly,
    and cells cut with …. None for anything but a plain table (a cell with a
    line break or control code, a header that is not plain text or does not fit
    its column, a footer longer than the table is wide, a column with no room):
    rich draws those. A test holds the two to the same output.
    """
    count = len(columns)
    headers = [c.header for c in columns]
    unusual = re.compile(_UNUSUAL)
    if not count or any("[" in h or unusual.search(h) for h in headers) or unusual.search(footer):
        return None
    if any(unusual.search("".join(set(c))) or _JOINER in "".join(set(c)) for c in cells):
        return None
    if any(_JOINER in h for h in headers) or _JOINER in footer:
        return None
    from rich.cells import cell_len

    pads = [(i > 0) + (i < count - 1) for i in range(count)]
    ranges = [
        _text_ranges([*values, header]) for values, header in zip(cells, headers, strict=True)
    ]
    room = style.width - (count - 1)  # the columns share the width left by the dividers
    widths = [_column_measure(r, pad, room)[1] or 1 for r, pad in zip(ranges, pads, strict=True)]
    if sum(widths) > room:
        widths = _collapse(widths, [c.flexible for c in columns], room)
        if sum(widths) > room:
            widths = _ratio_reduce(sum(widths) - room, [1] * count, widths, widths)
        widths = [
            _column_measure(r, pad, w)[1] or 0
            for r, pad, w in zip(ranges, pads, widths, strict=True)
        ]
    inner = [w - pad for w, pad in zip(widths, pads, strict=True)]
    total = sum(widths) + count - 1
    if min(inner) < 1 or cell_len(footer) > total:
        return None
    if any(cell_len(h) > w for h, w in zip(headers, inner, strict=True)):
        return None

    def bold(text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if style.color and text else text

    head, body = [], []
    for i, (column, values) in enumerate(zip(columns, cells, strict=True)):
        left, right = " " * (i > 0), " " * (i < count - 1)
        (title,) = _Column([headers[i]]).fitted(inner[i], column.justify)
        head.append(bold(left) + bold(title) + bold(right))
        fitted = _Column(values).fitted(inner[i], column.justify) if values else []
        body.append([left + c + right for c in fitted])
    lines = [" ".join(head), "─" * total, *(" ".join(row) for row in zip(*body, strict=True))]
    if footer:
        lines.append(footer)
    return "".join(f"{line.rstrip()}\n" for line in lines)


def _text_ranges(values: Sequence[str]) -> set[tuple[int, int]]:
    """The (narrowest, widest) widths rich measures each distinct one-line text at:
    its longest word, and the whole text."""
    from rich.cells import cell_len

    ranges = set()
    for value in set(values):
        widest = cell_len(value)
        words = value.split()
        ranges.add((max(map(cell_len, words)) if words else widest, widest))
    return ranges


def _normal(low: int, high: int) -> tuple[int, int]:
    low = min(max(0, low), high)
    return max(0, low), max(0, low, high)


def _capped(low: int, high: int, most: int) -> tuple[int, int]:
    """A measurement as rich's ``Measurement.get`` returns it at ``most`` cells."""
    low, high = _normal(low, high)
    low, high = min(low, most), min(high, most)
    return (0, 0) if high < 1 else _normal(low, high)


def _column_measure(ranges: set[tuple[int, int]], pad: int, most: int) -> tuple[int, int]:
    """A column's (narrowest, widest) as rich measures it at ``most`` cells: each
    cell with its padding, the column's as the largest of each."""
    if most < 1:
        return 0, 0
    lows, highs = [], []
    for low, high in ranges:
        if most - pad < 1:
            padded = most, most
        else:
            low, high = _capped(low, high, most)
            padded = min(low + pad, most), min(high + pad, most)
        low, high = _capped(*padded, most)
        lows.append(low)
        highs.append(high)
    return min(max(lows, default=1), most), min(max(highs, default=most), most)


def _collapse(widths: list[int], flexible: list[bool], most: int) -> list[int]:
    """Narrow the widest flexible columns, in turn, until the table fits (rich's way)."""
    total = sum(widths)
    excess = total - most
    if not any(flexible):
        return widths
    while total and excess > 0:
        widest = max(w for w, f in zip(widths, flexible, strict=True) if f)
        second = max(w if f and w != widest else 0 for w, f in zip(widths, flexible, strict=True))
        step = widest - second
        ratios = [int(w == widest and f) for w, f in zip(widths, flexible, strict=True)]
        if not any(ratios) or not step:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, step)] * len(widths), widths)
        total = sum(widths)
        excess = total - most
    return widths


def _ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    """Take ``total`` from ``values`` in proportion to ``ratios``, at most ``maximums``."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(most, round(ratio * remaining / total_ratio))
            result.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _flat(value: Any) -> str:
    text = cell(value)
    if "\t" in text or "\r" in text or "\n" in text:
        return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text


@SHEET_FORMATS.register("tsv")
def tsv(sheet: Sheet, style: Style) -> str:
    """Tab-separated with a header row, for cut, awk and pasting into Excel."""
    from szbiz.render.cells import TEXT, text_cell

    keys = [c.key for c in sheet.columns if c.text]
    lines = ["\t".join(keys)]
    lines += [
        "\t".join(_flat(text_cell(v) if type(v) in TEXT else v) for v in map(row.get, keys))
        for row in sheet.rows
    ]
    return "\n".join(lines) + "\n"


@SHEET_FORMATS.register("csv")
def as_csv(sheet: Sheet, style: Style) -> str:
    import csv

    from szbiz.render.cells import TEXT, text_cell

    keys = [c.key for c in sheet.columns if c.text]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for row in sheet.rows:
        writer.writerow([text_cell(v) if type(v) in TEXT else cell(v) for v in map(row.get, keys)])
    return out.getvalue()


@SHEET_FORMATS.register("json")
def as_json(sheet: Sheet, style: Style) -> str:
    shown = [c.key for c in sheet.columns if c.text]
    rows = [{key: row.get(key) for key in shown} for row in sheet.rows]
    return to_json(rows, len(rows), default=_json_default)


def md_cell(value: Any) -> str:
    """A value as one Markdown table cell: on one line, with ``|`` escaped."""
    lines = cell(value).replace("\r\n", "\n").replace("\t", " ").splitlines()
    return " ".join(lines).replace("|", "\\|")


def md_row(values: Sequence[Any]) -> str:
    """``| a | b |``: one Markdown table row, each value made a cell."""
    return "| " + " | ".join(md_cell(v) for v in values) + " |"


MD_ALIGN = {"left": ":--", "right": "--:", "center": ":-:"}


@SHEET_FORMATS.register("md")
def markdown(sheet: Sheet, style: Style) -> str:
    shown = [c for c in sheet.columns if c.table]
    lines = [md_row([c.header for c in shown]), md_row([MD_ALIGN[c.justify] for c in shown])]
    lines += [md_row([row.get(c.key) for c in shown]) for row in sheet.rows]
    if sheet.footer:
        lines += ["", sheet.footer]
    return "\n".join(lines) + "\n"


@SHEET_FORMATS.register("ids")
def ids(sheet: Sheet, style: Style) -> str:
    """What names each row (a task id, an agency's name, an area's number), once, a line:
    for xargs."""
    seen = dict.fromkeys(cell(row.get(sheet.id_key)) for row in sheet.rows)
    return "".join(f"{value}\n" for value in seen if value)


def render(name: str, sheet: Sheet, style: Style) -> str:
    return SHEET_FORMATS[name](sheet, style)
