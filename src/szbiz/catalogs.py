"""Compile a gettext catalog (``.po``) into its binary form (``.mo``) with Babel.

The build (setup.py) compiles every catalog into the wheel; a checkout or an
editable install compiles on first use (szbiz.i18n), so Babel is needed to
build and test szbiz, never to run an installed one.
"""

from __future__ import annotations

import io
from pathlib import Path


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
