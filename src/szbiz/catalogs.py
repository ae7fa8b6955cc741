"""Compile a gettext catalog (``.po``) into its binary form (``.mo``) with Babel.

The build (setup.py) compiles every catalog into the wheel; a checkout or an
editable install compiles on first use (szbiz.i18n), so Babel is needed to
build and test szbiz, never to run an installed one.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def compile_catalog(source: Path, target: Path) -> None:
    """Compile ``source`` (a .po file) into ``target`` (a .mo file), replacing it whole.
    Fuzzy entries are left out, as gettext's msgfmt does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from szbiz.atomic import atomic_write

    with source.open("rb") as stream:
        catalog = read_po(stream, locale=source.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, buffer.getvalue())


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[Any, ...]]:
    """Babel's extractor for szbiz's sources (babel.cfg): the messages marked with ``_``,
    ``N_`` and ``ngettext``, and the docstrings of the commands, which typer shows as their
    help (``szbiz.cli.root.translate_help`` translates them)."""
    import ast
    import inspect

    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef) or not any(map(_is_command, node.decorator_list)):
            continue
        doc = ast.get_docstring(node, clean=False)
        if doc:
            yield node.lineno, "N_", inspect.cleandoc(doc), []


def _is_command(decorator: Any) -> bool:
    """``@app.command(…)`` or ``@app.callback(…)``."""
    import ast

    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in ("command", "callback")
