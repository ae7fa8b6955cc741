"""The shape of data/tasks.yaml, written once as data.

Each validator checks a node, reports what is wrong with a context trail,
and can describe itself as JSON Schema (``szbiz schema``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from szbiz.model import AgencyKind
from szbiz.yamlnode import BOOL, FLOAT, INT, MAP, NULL, SEQ, STR, TIMESTAMP, Node

SCHEMA_VERSION = 1


class Invalid:
    """The marker a validator returns for a value it has reported."""


INVALID = Invalid()


@dataclass
class Context:
    """Collects problems; ``trail`` says where in the document we are."""

    problems: list[tuple[Node, str, str, tuple[str, ...]]] = field(default_factory=list)
    trail: tuple[str, ...] = ()

    def report(self, node: Node, message: str, rule: str) -> Invalid:
        self.problems.append((node, message, rule, self.trail))
        return INVALID

    def at(self, *segments: str) -> Context:
        return Context(self.problems, self.trail + segments)


_YAML11 = {
    BOOL: "which YAML reads as a boolean",
    INT: "which YAML reads as a number",
    FLOAT: "which YAML reads as a number",
    TIMESTAMP: "which YAML reads as a date",
    NULL: "which YAML reads as nothing (null)",
}


def _a(what: str) -> str:
    return ("an " if what[:1] in "aeiou" else "a ") + what


def _got(node: Node) -> str:
    if node.kind == MAP:
        return "a mapping"
    if node.kind == SEQ:
        return "a list"
    if node.kind == NULL and node.value in ("", "~"):
        return "nothing"
    return repr(node.value)


class Validator:
    description = ""

    def check(self, node: Node, ctx: Context) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass
class Text(Validator):
    description: str = ""
    allow_empty: bool = False

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind != STR:
            if node.kind in _YAML11 and node.value not in ("", "~"):
                return ctx.report(
                    node,
                    f"expected text, got {node.value}, {_YAML11[node.kind]}; "
                    f"quote it: '{node.value}'",
                    "yaml11-type",
                )
            return ctx.report(node, f"expected text, got {_got(node)}", "type")
        if not node.value.strip() and not self.allow_empty:
            return ctx.report(node, "must not be empty", "empty-value")
        return node.value

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if not self.allow_empty:
            out["minLength"] = 1
        return out


_DECIMAL = re.compile(r"^[1-9][0-9]*$|^0$")


@dataclass
class Integer(Validator):
    description: str = ""
    minimum: int = 1
    what: str = "number"

    def check(self, node: Node, ctx: Context) -> Any:
        text = node.value if isinstance(node.value, str) else ""
        if node.kind == INT and node.plain and not _DECIMAL.match(text.lstrip("+-")):
            if ":" in text:
                why = "a base-60 number in YAML 1.1"
                rule = "yaml11-sexagesimal"
            elif re.match(r"^[-+]?0[0-7_]+$", text):
                why = f"an octal number in YAML 1.1 ({int(text.replace('_', ''), 8)})"
                rule = "yaml11-octal"
            else:
                why = "not a plain decimal number"
                rule = "type"
            return ctx.report(node, f"expected {_a(self.what)} like 42, got {text}, {why}", rule)
        if node.kind != INT:
            return ctx.report(node, f"expected {_a(self.what)} like 42, got {_got(node)}", "type")
        value = int(text)
        if value < self.minimum:
            return ctx.report(
                node, f"expected {_a(self.what)} of at least {self.minimum}, got {value}", "range"
            )
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Date(Validator):
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        text = node.value if node.kind in (TIMESTAMP, STR) else None
        if isinstance(text, str) and _ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        return ctx.report(node, f"expected a date like 2020-06-30, got {_got(node)}", "date")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": _ISO_DATE.pattern}


@dataclass
class OneOf(Validator):
    values: tuple[str, ...] = ()
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind == STR and node.value in self.values:
            return node.value
        return ctx.report(
            node, f"expected one of {', '.join(self.values)}, got {_got(node)}", "enum"
        )

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass
class ListOf(Validator):
    item: Validator
    description: str = ""
    min_items: int = 0
    label: Callable[[Node, int], str] | None = None  # a trail segment per item

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind != SEQ:
            return ctx.report(node, f"expected a list, got {_got(node)}", "type")
        if len(node.items) < self.min_items:
            return ctx.report(node, f"expected at least {self.min_items} item(s)", "empty-value")
        out = []
        for index, item in enumerate(node.items):
            if self.label is not None:
                sub = Context(ctx.problems, (*ctx.trail[:-1], self.label(item, index)))
            else:
                sub = ctx.at(f"item {index + 1}")
            out.append(self.item.check(item, sub))
        return out

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        return out


@dataclass
class Key:
    name: str
    validator: Validator
    required: bool = True
    description: str = ""


@dataclass
class Record(Validator):
    keys: tuple[Key, ...]
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind != MAP:
            return ctx.report(node, f"expected a mapping, got {_got(node)}", "type")
        known = {k.name: k for k in self.keys}
        out: dict[str, Any] = {}
        for key_node, value_node in node.pairs:
            name = key_node.value
            key = known.get(name) if isinstance(name, str) else None
            if key is None:
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                ctx.report(
                    key_node,
                    f"unknown key {name!r}; {hint}expected one of {', '.join(known)}",
                    "unknown-key",
                )
                continue
            if name in out:
                continue  # a duplicate key, reported by the composer
            out[name] = key.validator.check(value_node, ctx.at(name))
        for key in self.keys:
            if key.required and key.name not in out:
                ctx.report(node, f"missing key {key.name!r}", "missing-key")
                out[key.name] = INVALID
        return out

    def json_schema(self) -> dict[str, Any]:
        props = {}
        for key in self.keys:
            prop = key.validator.json_schema()
            if key.description:
                prop["description"] = key.description
            props[key.name] = prop
        return {
            "type": "object",
            "properties": props,
            "required": [k.name for k in self.keys if k.required],
            "additionalProperties": False,
        }


def _label(prefix: str, key: str) -> Callable[[Node, int], str]:
    def label(node: Node, index: int) -> str:
        value = node.get(key) if node.kind == MAP else None
        if value is not None and value.kind in (STR, INT) and value.value:
            return f"{prefix} {value.value}"
        return f"{prefix} #{index + 1}"

    return label


AGENCY_NAME = Text()

DOCUMENT = Record(
    (
        Key("title", Text(), description="the document's title"),
        Key("issuer", Text(), description="who issued it"),
        Key("year", Integer(minimum=1900, what="year"), description="the year it covers"),
        Key("source", Text(), description="the source file it was imported from"),
        Key("principles", ListOf(Text()), required=False, description="the preamble"),
    )
)

AREA = Record(
    (
        Key("number", Integer(what="area number")),
        Key("name", Text()),
    )
)

AGENCY = Record(
    (
        Key("name", AGENCY_NAME, description="canonical name"),
        Key("kind", OneOf(tuple(k.value for k in AgencyKind))),
        Key("code", Text(), required=False, description="short pinyin code, e.g. swj"),
        Key("aliases", ListOf(AGENCY_NAME), required=False, description="other spellings"),
    )
)

TASK = Record(
    (
        Key("id", Integer(what="id"), description="the official 序号"),
        Key("area", Integer(what="area number"), description="所属领域, by number"),
        Key("title", Text(), description="the measure up to its first 。"),
        Key("description", Text(allow_empty=True), description="the rest of the measure"),
        Key("lead", ListOf(AGENCY_NAME, min_items=1), description="牵头单位"),
        Key("lead_note", Text(), required=False, description="qualifier, e.g. 按职责分工负责"),
        Key("support", ListOf(AGENCY_NAME), description="责任单位"),
        Key("support_note", Text(), required=False, description="qualifier, e.g. 等"),
        Key("deadline", Date(), description="完成时限 as a date (last day of the month)"),
        Key("deadline_text", Text(), description="完成时限 as written"),
    )
)

TASKLIST = Record(
    (
        Key("schema", Integer(what="schema version")),
        Key("document", DOCUMENT),
        Key("areas", ListOf(AREA, min_items=1, label=_label("area", "number"))),
        Key("agencies", ListOf(AGENCY, label=_label("agency", "name"))),
        Key("tasks", ListOf(TASK, label=_label("task", "id"))),
    )
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of data/tasks.yaml, derived from the validators above."""
    schema = TASKLIST.json_schema()
    schema["properties"]["schema"] = {"const": SCHEMA_VERSION}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "szbiz task list",
        **schema,
    }
