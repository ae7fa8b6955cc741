"""Text from a task list, a ledger or the command line, made safe for where it goes.

A task's title can hold anything a YAML escape writes (``"\\e[2J"``,
``"\\u202e"``), and so can a note, a ``--by`` name or a path. Written as it is,
such text clears the screen, sets the window's title, hides what follows it,
reorders a line so that it reads otherwise than it is stored (a bidi override),
or breaks a file that must not hold it (XML refuses most controls). One
function per place text goes makes it safe there; every renderer asks this
module, and none decides its own rules.

The characters concerned (``UNSAFE``), the same for every sink:

- control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F);
- bidi controls: U+202A–U+202E (embeddings and overrides), U+2066–U+2069
  (isolates), U+200E and U+200F (marks), U+061C (the Arabic letter mark);
- what no encoder writes or XML holds: lone surrogates (U+D800–U+DFFF), which
  a YAML escape such as ``"\\ud800"`` makes, and U+FFFE and U+FFFF.

Where one is shown rather than removed, it is shown as a *visible escape*
that says which it was and takes its own width: ``\\x1b`` for a control
character (two hex digits), ``<U+202E>`` for the others.

JSON is the exception that keeps data exact: see :func:`json`.
"""

from __future__ import annotations

import re

from szbiz.i18n import _

_CONTROL = "\x00-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BROKEN = "\ud800-\udfff\ufffe\uffff"
UNSAFE = f"[{_CONTROL}{_BIDI}{_BROKEN}]"
_BIDI_CHAR = f"[{_BIDI}]"

# What a terminal line shows as a space: a tab, and what str.splitlines breaks at.
_BREAKS = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029")
_TERMINAL = f"\r\n|[{_CONTROL}{_BIDI}{_BROKEN}\u2028\u2029]"
_LINE_BREAK = "\r\n?"


def escaped(char: str) -> str:
    """The visible escape of one character: ``\\x1b``, ``\\x9b``, ``<U+202E>``."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0xA0 else f"<U+{code:04X}>"


def unsafe(text: str, allowed: str = "") -> list[str]:
    """The characters of ``text`` that ``UNSAFE`` holds, but those in ``allowed``."""
    if text.isprintable():  # none of them is printable: the common case ends here
        return []
    return [char for char in re.findall(UNSAFE, text) if char not in allowed]


def describe(char: str) -> str:
    """``control character \\x1b (U+001B)``, ``bidi control <U+202E>``: for messages."""
    code = ord(char)
    if code < 0xA0:
        return _("control character {char} (U+{code})").format(
            char=escaped(char), code=f"{code:04X}"
        )
    if re.match(_BIDI_CHAR, char):
        return _("bidi control {char}").format(char=escaped(char))
    return _("{char}, which is not a character").format(char=escaped(char))


def _terminal_char(match: re.Match[str]) -> str:
    char = match[0]
    return " " if char == "\r\n" or char in _BREAKS else escaped(char)


def terminal(text: str) -> str:
    """One line for the terminal, on stdout or stderr: a table cell, a title, a message.

    - a tab and a line break (``\\r\\n``, ``\\r``, ``\\n``, ``\\v``, ``\\f``,
      U+001C–U+001E, U+0085, U+2028, U+2029) become a space, so the line stays
      one line;
    - every other character of ``UNSAFE`` becomes its visible escape, so no
      text can move the cursor, colour the screen, set the window's title,
      ring the bell or reorder the line;
    - nothing else changes. The escapes are ASCII, one terminal cell a
      character, so a table measures them like any text.

    Rich markup (``[bold red]``, ``[link=…]``) is never interpreted: szbiz
    writes its text as it is and never through rich's markup.
    """
    if text.isprintable():
        return text
    return re.sub(_TERMINAL, _terminal_char, text)


def _visible(text: str, keep: str) -> str:
    """``text`` with CRLF and CR as LF, and every character of ``UNSAFE`` but ``keep``
    as its visible escape."""
    if text.isprintable():
        return text
    text = re.sub(_LINE_BREAK, "\n", text)
    return re.sub(UNSAFE, lambda m: m[0] if m[0] in keep else escaped(m[0]), text)


# A spreadsheet (Excel, WPS, LibreOffice) runs a cell that starts with one of these as
# a formula, or drops the start and then does: the ASCII signs, their full-width forms
# (an input method types those), and a tab or line break or space before any of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", " ", "＝", "＋", "－", "＠")


def spreadsheet(text: str) -> str:
    """A text cell of CSV or TSV.

    - a line break is kept as LF (``\\r\\n`` and ``\\r`` become ``\\n``), and a tab is
      kept: the CSV writer quotes them, and TSV writes both as a space;
    - every other character of ``UNSAFE`` becomes its visible escape (not
      removed: the reader sees that something was there, and what);
    - a cell that would start a formula (``FORMULA_STARTS``) gets a leading ``'``,
      as Excel's own quote prefix does, so it stays text (OWASP: CSV injection).
    """
    if not text.isprintable():  # the common case skips the call
        text = _visible(text, "\t\n")
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx(text: str) -> str:
    """A text cell (or a document property) of an xlsx workbook.

    XML 1.0 holds no control character but tab, LF and CR, no surrogate and no
    U+FFFE/U+FFFF, and openpyxl refuses a cell with one (``IllegalCharacterError``)
    for the whole list. So, as for CSV: line breaks are kept as LF and tabs as
    they are, and every other character of ``UNSAFE`` becomes its visible
    escape. A formula start is kept: the writer marks such a cell as text with
    Excel's quote prefix instead of changing it.
    """
    return _visible(text, "\t\n")


def markdown(text: str) -> str:
    """A cell of a Markdown table: one line as on the terminal (:func:`terminal`), and
    ``|`` escaped so that it does not end the cell. Lines outside a table (a heading, a
    footer) follow :func:`terminal`."""
    return terminal(text).replace("|", "\\|")


def ics(text: str) -> str:
    """A text value of an iCalendar file.

    RFC 5545 allows no control character in a TEXT value but the tab, and a line
    break is written as ``\\n`` by the writer. So: line breaks are kept as LF and
    tabs as they are, and every other character of ``UNSAFE`` is removed, the bidi
    controls too: a calendar shows the text in the order it is stored.
    """
    if text.isprintable():
        return text
    text = re.sub(_LINE_BREAK, "\n", text)
    return re.sub(UNSAFE, lambda m: m[0] if m[0] in "\t\n" else "", text)


def html(text: str) -> str:
    """Text for HTML, in element content and in quoted attributes alike.

    Escaped as ``html.escape`` does (``& < > " '``), after line breaks become
    LF and every other character of ``UNSAFE`` but the tab its visible escape:
    the page holds no control character, and no bidi control can reorder or
    hide the text around it.
    """
    from html import escape

    return escape(_visible(text, "\t\n"), quote=True)


_JSON = f"[\x7f-\x9f{_BIDI}{_BROKEN}\u2028\u2029]"


def json(document: str) -> str:
    """A JSON document as ``json.dumps(…, ensure_ascii=False)`` wrote it, safe to print.

    JSON is a machine format: its data stays exact. ``json.dumps`` already writes
    the C0 controls as ``\\u001b``; this writes DEL, C1, the bidi controls,
    U+2028/U+2029, surrogates and U+FFFE/U+FFFF as ``\\u`` escapes too, which a
    JSON reader turns back into the same characters. Those characters occur only
    inside strings, where an escape is valid, so the document's meaning is
    unchanged and nothing in it drives a terminal.
    """
    return re.sub(_JSON, lambda m: f"\\u{ord(m[0]):04x}", document)
