"""An Office file (xlsx, docx) as the zip of parts it is, checked before a library opens it.

openpyxl and python-docx unzip and parse whatever they are given: a zip bomb would fill
memory, and an XML entity bomb would too. Every Office file szbiz reads (a source list, a
returned fill-in form) goes through ``parts`` first, with the limits its reader sets; a
file refused here is never handed to a library. Pure: bytes in, parts or a refusal out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from szbiz.errors import said

# A DOCTYPE declares entities, and no Office file holds one.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# The parts a reader parses as XML (VML is XML too: openpyxl reads comments' shapes).
XML_PARTS = (".xml", ".rels", ".vml")


def is_xml(name: str) -> bool:
    return name.lower().endswith(XML_PARTS)


class Why(Enum):
    NOT_ZIP = "not-zip"  # does not begin as a zip file does
    MEMBERS = "members"  # more files than allowed (figure: how many)
    UNPACKED = "unpacked"  # would unpack past the limit (figure: bytes)
    XML = "xml"  # its XML parts would unpack past the limit (figure: bytes)
    DAMAGED = "damaged"  # zipfile could not read it (detail: what it raised)
    DECLARATION = "declaration"  # a part declares a DOCTYPE or entities (detail: its name)


@dataclass
class Refused(Exception):
    """Why a file is not read; each caller says it in its own words."""

    why: Why
    figure: int = 0
    detail: str = ""


def parts(
    data: bytes,
    *,
    max_members: int,
    max_unpacked: int,
    max_xml: int | None = None,
    read: Callable[[str], bool] = lambda name: True,
) -> dict[str, bytes]:
    """The file's parts that ``read`` names, by name, once the zip is known to hold at most
    ``max_members`` files unpacking to at most ``max_unpacked`` bytes (its XML parts to at
    most ``max_xml``), and none of the parts read declares a DOCTYPE or entities (in UTF-16
    too). Refused otherwise."""
    import zipfile

    if not data.startswith(b"PK\x03\x04"):
        raise Refused(Why.NOT_ZIP)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                raise Refused(Why.MEMBERS, len(members))
            unpacked = sum(m.file_size for m in members)
            if unpacked > max_unpacked:
                raise Refused(Why.UNPACKED, unpacked)
            xml = sum(m.file_size for m in members if is_xml(m.filename))
            if max_xml is not None and xml > max_xml:
                raise Refused(Why.XML, xml)
            found = {m.filename: archive.read(m) for m in members if read(m.filename)}
    except Refused:
        raise
    except Exception as exc:  # zipfile raises what a damaged or crafted zip makes it raise
        raise Refused(Why.DAMAGED, detail=said(exc)) from None
    for name, part in found.items():
        if _DECLARATION.search(part.replace(b"\x00", b"")):
            raise Refused(Why.DECLARATION, detail=name)
    return found
