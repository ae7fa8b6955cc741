"""The terminal table: every table and aligned text szbiz prints to a terminal.

The rules, all of them:

- A table is an optional title line, a header row, a rule of ``─`` as wide as
  the table, its rows, and an optional footer line. A table without headers has
  neither header row nor rule. It starts at column 0, its columns are set apart
  by three spaces, and no line ends in a space.
- Widths are terminal cells, as ``rich.cells.cell_len`` counts them: a Chinese
  character or an emoji takes two, a combining accent none.
- Each column is as wide as its widest cell or its header.
- When that is wider than the terminal, the ``wrap`` columns give up width
  first, then the ``flexible`` ones: widest first, each down to its floor — its
  header's width or 4 cells, whichever is more, or its own width if that is
  less. Columns left equally wide share what they give up; an odd cell comes
  off the one further right. The other columns keep their width, and a table
  that still does not fit is left wider than the terminal, which wraps it.
- A cell wider than its column is cut one cell short and ends in ``…``; half
  of a wide character is never shown: a space takes its place.
- A ``wrap`` column folds its cells onto as many lines as they need instead,
  breaking at the column's width, or at the last space before it when the break
  would split a word; the row's other cells stay on its first line.
- Cells justify left, right or center, each column as it is told; a header
  justifies as its column.
- What data cannot do: every cell, header, title and footer goes through
  ``szbiz.render.safe.terminal``: tabs and line breaks become spaces, every
  other control character (C0, DEL, C1) and bidi control shows as a visible
  escape (``\\x1b``, ``\\x9b``, ``<U+202E>``), so text from a task list or a
  ledger cannot move the cursor, colour the screen, set the window's title or
  reorder a line, and the reader sees what was there. The escapes are ASCII:
  they are measured, cut and folded like any text.
- Colour only when asked: a bold header row and bold columns, a dim footer.
  Without colour there is not one escape code.
- Plain glyphs when asked (``plain``, for a console whose encoding is not
  Unicode, such as GBK): the rule is drawn with ``-``, a bar with ``#`` and
  ``.``, and a light is its colour in Chinese (``红``), each as wide as what it
  stands for (``PLAIN``).

Measuring, cutting and justifying are done once per distinct value in a
column: a long table repeats a few deadlines and agencies many times.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from szbiz.render.safe import terminal

if TYPE_CHECKING:
    from szbiz.render.sheet import Justify

GAP = "   "  # between two columns
FLOOR = 4  # the fewest cells a column gives up width down to, header permitting
BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"

# What stands for each glyph on a console that cannot show it, in as many terminal cells.
PLAIN = {
    "─": "-",
    "█": "#",
    "░": ".",
    "🔴": "红",
    "🟡": "黄",
    "🟢": "绿",
    "🔵": "蓝",
    "⚪": "白",
    "⚫": "黑",
    "🟣": "紫",
}


def glyph(char: str, plain: bool = False) -> str:
    """``char`` as drawn: itself, or with ``plain`` what ``PLAIN`` has for it."""
    return PLAIN.get(char, char) if plain else char


class Col(NamedTuple):  # a NamedTuple costs a quarter of what a dataclass does at start-up
    header: str = ""
    justify: Justify = "left"
    flexible: bool = False  # gives up width to fit, cutting its cells with …
    wrap: bool = False  # gives up width to fit, folding its cells onto more lines
    bold: bool = False  # in colour, its cells are bold


def _pieces(text: str, width: Callable[[str], int]) -> list[tuple[str, int]]:
    """``text`` in the pieces a cut may not split, with their widths: a character with
    the zero-width ones after it (accents, variation selectors), and what a ZWJ joins."""
    pieces: list[str] = []
    joined = False
    for char in text:
        if pieces and (joined or not width(char)):
            pieces[-1] += char
        else:
            pieces.append(char)
        joined = char == "\u200d"
    return [(p, width(p)) for p in pieces]


def _take(text: str, room: int, width: Callable[[str], int]) -> tuple[str, int, str]:
    """The start of ``text`` that fills at most ``room`` cells, its width, and the rest."""
    if text.isascii():
        return text[:room], min(room, len(text)), text[room:]
    used = end = 0
    for piece, size in _pieces(text, width):
        if used + size > room:
            break
        used += size
        end += len(piece)
    return text[:end], used, text[end:]


def _fold(text: str, room: int, width: Callable[[str], int]) -> list[str]:
    lines = []
    while width(text) > room:
        head, _, rest = _take(text, room, width)
        if not head:  # a character wider than the room: it goes on a line of its own
            head, rest = text[0], text[1:]
        elif rest[:1] != " " and head[-1] != " " and " " in head.lstrip(" "):
            space = head.rindex(" ")
            head, rest = head[:space], head[space + 1 :] + rest
        lines.append(head.rstrip(" "))
        text = rest.lstrip(" ")
    lines.append(text)
    return lines


def _shrink(widths: list[int], floors: list[int], which: list[int], excess: int) -> int:
    """Take up to ``excess`` cells from the columns ``which``, one at a time from the widest
    (of equals, the one further right), none below its floor; what is left of the excess."""
    while excess > 0:
        above = [j for j in which if widths[j] > floors[j]]
        if not above:
            break
        widest = max(reversed(above), key=widths.__getitem__)  # max keeps the first it meets
        widths[widest] -= 1
        excess -= 1
    return excess


def draw(
    columns: Sequence[Col],
    cells: Sequence[Sequence[str]],
    width: int,
    color: bool = False,
    *,
    title: str = "",
    footer: str = "",
    plain: bool = False,
) -> str:
    """The table of ``columns`` holding ``cells`` (a list of each column's, one per row),
    set in ``width`` terminal cells by the rules above, each line ending in a line break."""
    from rich.cells import cell_len

    def measure(text: str) -> int:
        return len(text) if text.isascii() else cell_len(text)

    headers = [terminal(c.header) for c in columns]
    count = len(columns)
    texts: list[Sequence[str]] = []
    lengths: list[dict[str, int]] = []
    for values in cells:
        distinct = set(values)
        fixed = {v: terminal(v) for v in distinct if not v.isprintable()}
        if fixed:
            values = [fixed.get(v, v) for v in values]
            distinct = set(values)
        texts.append(values)
        lengths.append({v: measure(v) for v in distinct})
    header_widths = [measure(h) for h in headers]
    widths = [max([h, *length.values()]) for length, h in zip(lengths, header_widths, strict=True)]
    floors = [min(w, max(h, FLOOR)) for w, h in zip(widths, header_widths, strict=True)]
    excess = sum(widths) + len(GAP) * (count - 1) - width
    excess = _shrink(widths, floors, [j for j in range(count) if columns[j].wrap], excess)
    _shrink(widths, floors, [j for j in range(count) if columns[j].flexible], excess)

    def fit(text: str, used: int, room: int, column: Col) -> str:
        if used > room:  # cut one cell short, to end in …
            head, taken, _ = _take(text, room - 1, measure)
            text, used = head + " " * (room - 1 - taken) + "…", room
        if color and column.bold and text:
            text = BOLD + text + RESET
        space = max(0, room - used)
        if column.justify == "right":
            return " " * space + text
        if column.justify == "center":
            return " " * (space // 2) + text + " " * (space - space // 2)
        return text + " " * space

    lines = [terminal(title)] if title else []
    if any(headers):
        head = GAP.join(
            fit(h, w, room, Col(justify=c.justify))
            for h, w, room, c in zip(headers, header_widths, widths, columns, strict=True)
        ).rstrip()
        rule = glyph("─", plain) * (sum(widths) + len(GAP) * (count - 1))
        lines += [BOLD + head + RESET if color else head, rule]
    set_cells: list[list[str]] = []
    folded: dict[int, list[list[str]]] = {}
    for j, (column, values, length, room) in enumerate(
        zip(columns, texts, lengths, widths, strict=True)
    ):
        if column.wrap and max(length.values(), default=0) > room:
            parts = {
                v: [fit(line, measure(line), room, column) for line in _fold(v, room, measure)]
                for v in length
            }
            folded[j] = [parts[v] for v in values]
            set_cells.append([p[0] for p in folded[j]])
            continue
        done = {v: fit(v, n, room, column) for v, n in length.items()}
        set_cells.append(list(map(done.__getitem__, values)))
    if not folded:
        lines += [GAP.join(row).rstrip() for row in zip(*set_cells, strict=True)]
    else:
        blank = [" " * room for room in widths]
        for i in range(len(texts[0])):
            lines.append(GAP.join(column[i] for column in set_cells).rstrip())
            for k in range(1, max(len(f[i]) for f in folded.values())):
                row = list(blank)
                for j, f in folded.items():
                    if k < len(f[i]):
                        row[j] = f[i][k]
                lines.append(GAP.join(row).rstrip())
    if footer:
        lines.append(DIM + terminal(footer) + RESET if color else terminal(footer))
    return "".join(f"{line}\n" for line in lines)


def bar(done: int, total: int, width: int, plain: bool = False) -> str:
    """``████░░░░`` (plain ``####....``): ``done`` of ``total`` in ``width`` cells, halves
    rounded up."""
    filled = (2 * width * done + total) // (2 * total) if total > 0 else 0
    return glyph("█", plain) * filled + glyph("░", plain) * (width - filled)


def line(text: str, color: bool = False, bold: bool = False) -> str:
    text = terminal(text)
    return f"{BOLD}{text}{RESET}\n" if color and bold and text else f"{text}\n"
