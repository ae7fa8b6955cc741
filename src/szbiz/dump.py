"""The model → the canonical YAML text: a block per task, stable key order, no anchors."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import yaml

from szbiz.model import TaskList

HEADER = """\
# szbiz canonical task list: {title}
# Generated from data/source/{source} by:
#   szbiz import data/source/{source} -o data/tasks.yaml
# Do not edit by hand: change the source or the importer and regenerate.
# Check it with: szbiz lint data/tasks.yaml
"""
# The header of a list whose making is known: the command that made it, as typed.
MADE = """\
# szbiz canonical task list: {title}
# Generated from {source} by:
#   {command}
# Do not edit by hand: change the source or the importer and regenerate.
# Check it with: szbiz lint {output}
"""


@dataclass(frozen=True)
class Origin:
    """How a list was made, for its header: the source as named, the command that made it
    (``szbiz import data/source/x.csv --issuer 国务院 -o data/tasks.yaml``), and the file it
    was written to (empty when it went to stdout)."""

    source: str
    command: str
    output: str = ""


def _comment(text: str) -> str:
    """Text on one comment line: a comment ends at a line break, and YAML breaks lines at
    U+2028 and U+0085 too; a control character would make the file unreadable."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _section(key: str, value: Any) -> str:
    text: str = yaml.dump(
        {key: value},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 20,
        indent=2,
    )
    return text


def _entry(item: Any) -> dict[str, Any]:
    """A document, area or task: its fields in order; an empty optional one is left out."""
    out: dict[str, Any] = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if f.metadata.get("optional") and not value:
            continue
        if f.name == "extra":  # the source's other columns: a mapping, in source order
            out[f.name] = dict(value)
        else:
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def dump_tasklist(tasks: TaskList, origin: Origin | None = None) -> str:
    doc = tasks.document
    if origin is None:
        header = HEADER.format(title=_comment(doc.title), source=_comment(doc.source))
    else:
        header = MADE.format(
            title=_comment(doc.title),
            source=_comment(origin.source),
            command=_comment(origin.command),
            output=_comment(origin.output) or "FILE",
        )
    parts = [
        header,
        _section("schema", 1),
        _section("document", _entry(doc)),
        _section("areas", [_entry(a) for a in tasks.areas]),
    ]
    agencies = []
    for agency in tasks.agencies:
        entry = {"name": agency.name, "kind": agency.kind.value, "code": agency.code}
        others = {"aliases": list(agency.aliases), "alias_codes": list(agency.alias_codes)}
        agencies.append(entry | {key: value for key, value in others.items() if value})
    parts.append(_section("agencies", agencies))
    # One block per task, a blank line between blocks, so a diff shows which task changed.
    blocks = [_section("tasks", [_entry(t)]).split("\n", 1)[1] for t in tasks.tasks]
    body = "tasks:\n" + "".join("\n" + b for b in blocks) if blocks else "tasks: []\n"
    return "\n".join([*parts, body])
