"""The shape of data/tasks.yaml, written once as data.

Each validator checks a node, reports what is wrong with a context trail,
and can describe itself as JSON Schema (``szbiz schema``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import Field, dataclass, field
from typing import Any

from szbiz.dates import FIRST, LAST, YEARS
from szbiz.errors import Message
from szbiz.i18n import N_
from szbiz.model import TASK_FIELDS, AgencyKind
from szbiz.yamlnode import BOOL, FLOAT, INT, MAP, NULL, REPORTED, SEQ, STR, TIMESTAMP, Node, show

SCHEMA_VERSION = 1


class Invalid:
    """The marker a validator returns for a value it has reported."""


INVALID = Invalid()


@dataclass
class Context:
    """Collects problems; ``trail`` says where in the document we are."""

    problems: list[tuple[Node, str, str, tuple[str, ...]]] = field(default_factory=list)
    trail: tuple[str, ...] = ()
    # What is valid but worth a look (lint says it as a warning), in the same form.
    warnings: list[tuple[Node, str, str, tuple[str, ...]]] = field(default_factory=list)

    def report(self, node: Node, message: str, rule: str) -> Invalid:
        if node.kind != REPORTED:  # an alias or a too-deep collection: reported once already
            self.problems.append((node, message, rule, self.trail))
        return INVALID

    def warn(self, node: Node, message: str, rule: str) -> None:
        self.warnings.append((node, message, rule, self.trail))

    def at(self, *segments: str) -> Context:
        return Context(self.problems, self.trail + segments, self.warnings)


_YAML11 = {
    BOOL: N_("which YAML reads as a boolean"),
    INT: N_("which YAML reads as a number"),
    FLOAT: N_("which YAML reads as a number"),
    TIMESTAMP: N_("which YAML reads as a date"),
    NULL: N_("which YAML reads as nothing (null)"),
}
# What a number is (Integer's ``what``), with its article: ``expected an id like 42``.
_A = {
    "number": N_("a number"),
    "id": N_("an id"),
    "task id": N_("a task id"),
    "year": N_("a year"),
    "area number": N_("an area number"),
    "schema version": N_("a schema version"),
}


def _a(what: str) -> Message:
    return Message(_A.get(what) or ("an " if what[:1] in "aeiou" else "a ") + what)


def _got(node: Node) -> str:
    if node.kind == NULL and node.value in ("", "~"):
        return Message(N_("nothing"))
    if node.kind == MAP:
        return Message(N_("a mapping"))
    if node.kind == SEQ:
        return Message(N_("a list"))
    return show(str(node.value))


class Validator:
    def check(self, node: Node, ctx: Context) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass
class Text(Validator):
    allow_empty: bool = False

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind != STR:
            if node.kind in _YAML11 and node.value not in ("", "~"):
                value = show(node.value)[1:-1]
                message = Message(
                    N_("expected text, got {value}, {why}; quote it: '{value}'"),
                    value=value,
                    why=Message(_YAML11[node.kind]),
                )
                return ctx.report(node, message, "yaml11-type")
            if self.allow_empty and node.kind == NULL:
                message = Message(
                    N_("expected text, got {got}; write '' for no text"), got=_got(node)
                )
            else:
                message = Message(N_("expected text, got {got}"), got=_got(node))
            return ctx.report(node, message, "type")
        if not node.value.strip() and not self.allow_empty:
            return ctx.report(node, Message(N_("must not be empty")), "empty-value")
        if not node.value.isprintable():
            _controls(node, ctx)
        return node.value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string"} if self.allow_empty else {"type": "string", "minLength": 1}


def _controls(node: Node, ctx: Context) -> None:
    """A warning for text holding control or bidi characters (a tab and a line break
    are text): valid, and shown safely, but nothing a task list means to hold."""
    from szbiz.render.safe import describe, unsafe

    found = unsafe(node.value, allowed="\t\n")
    if len(found) == 1:
        message = Message(N_("holds the {char}; remove it"), char=describe(found[0]))
        ctx.warn(node, message, "control-character")
    elif found:
        message = Message(
            N_("holds {count} control or bidi characters, the first the {char}; remove them"),
            count=len(found),
            char=describe(found[0]),
        )
        ctx.warn(node, message, "control-character")


_DECIMAL = re.compile(r"^[1-9][0-9]*$|^0$")
_DIGITS = re.compile(r"^[-+]?[0-9]+$")
_MAX_DIGITS = 18  # far beyond any id, area or year, and short of int()'s limit


def _base60(text: str) -> int:
    """The value YAML 1.1 gives ``1:10`` (70): base-60 digits after the first part."""
    sign = -1 if text.startswith("-") else 1
    value = 0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        value = value * 60 + int(part)
    return sign * value


@dataclass
class Integer(Validator):
    minimum: int = 1
    what: str = "number"
    example: int = 42

    def check(self, node: Node, ctx: Context) -> Any:
        text = node.value if isinstance(node.value, str) else ""
        digits = text.lstrip("+-")
        what, example = _a(self.what), self.example

        def expected(got: Message) -> Message:
            return Message(
                N_("expected {what} like {example}, got {got}"), what=what, example=example, got=got
            )

        if node.kind == INT and not _DECIMAL.match(digits):
            why, rule = Message(N_("not a plain decimal number")), "type"
            short = len(text) <= _MAX_DIGITS
            if short and ":" in text:
                why = Message(N_("a base-60 number in YAML 1.1 ({value})"), value=_base60(text))
                rule = "yaml11-sexagesimal"
            elif short and re.match(r"^[-+]?0[0-7_]+$", text):
                octal, decimal = int(text.replace("_", ""), 8), int(text.replace("_", ""))
                why = Message(
                    N_("an octal number in YAML 1.1 ({octal}); write {decimal}"),
                    octal=octal,
                    decimal=decimal,
                )
                rule = "yaml11-octal"
            got = Message(N_("{value}, {why}"), value=show(text)[1:-1], why=why)
            return ctx.report(node, expected(got), rule)
        if node.kind == STR and _DIGITS.match(text) and len(digits) <= _MAX_DIGITS:
            number = int(text)
            if node.plain and digits.startswith("0"):  # 08, 09: not octal, so text
                got = Message(
                    N_("{value}, which YAML reads as text for its leading zero; write {number}"),
                    value=text,
                    number=number,
                )
            elif node.plain:  # a tag made it text; the tag is reported on its own
                got = Message(
                    N_("{value}, which is text; write {number}"), value=show(text), number=number
                )
            else:
                got = Message(
                    N_("{value}, which is text; write {number} without quotes"),
                    value=show(text),
                    number=number,
                )
            return ctx.report(node, expected(got), "type")
        if node.kind != INT:
            return ctx.report(node, expected(Message(_got(node))), "type")
        if len(digits) > _MAX_DIGITS:
            got = Message(N_("a number of {count} digits"), count=len(digits))
            return ctx.report(node, expected(got), "range")
        value = int(text)
        if value < self.minimum:
            message = Message(
                N_("expected {what} of at least {minimum}, got {value}"),
                what=what,
                minimum=self.minimum,
                value=value,
            )
            return ctx.report(node, message, "range")
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})$")


def _iso(node: Node, pattern: re.Pattern[str], read: Callable[[str], Any]) -> Any:
    """The day or moment an ISO text node holds; None when it holds none."""
    text = node.value if node.kind in (TIMESTAMP, STR) else None
    if isinstance(text, str) and pattern.match(text):
        with contextlib.suppress(ValueError):
            return read(text)
    return None


def _outside(node: Node, ctx: Context, day: dt.date, what: str) -> Invalid | None:
    """Reported if ``day`` lies outside the years szbiz supports (dates.FIRST to dates.LAST)."""
    if FIRST <= day <= LAST:
        return None
    message = Message(
        N_("expected {what} in the years {years}, got {got}"),
        what=Message(what),
        years=YEARS,
        got=_got(node),
    )
    return ctx.report(node, message, "date-range")


class Date(Validator):
    def check(self, node: Node, ctx: Context) -> Any:
        value = _iso(node, _ISO_DATE, dt.date.fromisoformat)
        if value is not None:
            return _outside(node, ctx, value, N_("a date")) or value
        message = Message(N_("expected a date like 2020-06-30, got {got}"), got=_got(node))
        return ctx.report(node, message, "date")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": _ISO_DATE.pattern}


class Timestamp(Validator):
    """A moment with its UTC offset, ``2026-11-27T18:00:00+08:00``."""

    def check(self, node: Node, ctx: Context) -> Any:
        value = _iso(node, _ISO_TIME, dt.datetime.fromisoformat)
        if value is not None:
            return _outside(node, ctx, value.date(), N_("a time")) or value
        message = Message(
            N_("expected a time with its UTC offset like '2026-11-27T18:00:00+08:00', got {got}"),
            got=_got(node),
        )
        return ctx.report(node, message, "datetime")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date-time", "pattern": _ISO_TIME.pattern}


@dataclass
class OneOf(Validator):
    values: tuple[str, ...] = ()

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind == STR and node.value in self.values:
            return node.value
        close = difflib.get_close_matches(str(node.value), self.values, n=1)
        values = ", ".join(self.values)
        if close and node.kind not in (MAP, SEQ):
            message = Message(
                N_("expected one of {values}, got {got}; did you mean {close!r}?"),
                values=values,
                got=_got(node),
                close=close[0],
            )
        else:
            message = Message(
                N_("expected one of {values}, got {got}"), values=values, got=_got(node)
            )
        return ctx.report(node, message, "enum")

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass
class ListOf(Validator):
    item: Validator
    min_items: int = 0
    label: Callable[[Node, int], str] | None = None  # a trail segment per item

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind != SEQ:
            return ctx.report(
                node, Message(N_("expected a list, got {got}"), got=_got(node)), "type"
            )
        if len(node.items) < self.min_items:
            got = Message(N_("an empty list")) if not node.items else f"{len(node.items)}"
            if self.min_items == 1:
                message = Message(N_("expected at least one item, got {got}"), got=got)
            else:
                message = Message(
                    N_("expected at least {count} items, got {got}"), count=self.min_items, got=got
                )
            return ctx.report(node, message, "empty-value")
        out = []
        for index, item in enumerate(node.items):
            if self.label is not None:
                sub = Context(
                    ctx.problems, (*ctx.trail[:-1], self.label(item, index)), ctx.warnings
                )
            else:
                sub = ctx.at(Message(N_("item {number}"), number=index + 1))
            out.append(self.item.check(item, sub))
        return out

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        return out


@dataclass
class TextMap(Validator):
    """A mapping of text to text, in the order written: a source's other columns by
    header (``推广范围: 全国``). A header must not be empty; a value may be."""

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind != MAP:
            message = Message(N_("expected a mapping of text to text, got {got}"), got=_got(node))
            return ctx.report(node, message, "type")
        out: dict[str, str] = {}
        ok = True
        for key_node, value_node in node.pairs:
            if key_node.kind in (MAP, SEQ):
                ok = False
                continue  # reported by the composer: a key must be text
            header = _HEADER.check(key_node, ctx)
            if isinstance(header, Invalid):
                ok = False
                continue
            value = _CELL.check(value_node, ctx.at(header))
            if isinstance(value, Invalid):
                ok = False
            elif header not in out:  # a duplicate key, reported by the composer
                out[header] = value
        return tuple(out.items()) if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "propertyNames": {"minLength": 1},
            "additionalProperties": {"type": "string"},
        }


_HEADER = Text()
_CELL = Text(allow_empty=True)


@dataclass
class Key:
    name: str
    validator: Validator
    required: bool = True
    description: str = ""


@dataclass
class Record(Validator):
    keys: tuple[Key, ...]

    def check(self, node: Node, ctx: Context) -> Any:
        if node.kind != MAP:
            return ctx.report(
                node, Message(N_("expected a mapping, got {got}"), got=_got(node)), "type"
            )
        known = {k.name: k for k in self.keys}
        out: dict[str, Any] = {}
        meant: set[str] = set()  # keys an unknown key was taken for: not missing twice
        present = {str(k.value) for k, _ in node.pairs}
        for key_node, value_node in node.pairs:
            if key_node.kind in (MAP, SEQ):
                continue  # reported by the composer: a key must be text
            name = str(key_node.value)
            key = known.get(name)
            if key is None:
                close = difflib.get_close_matches(name, [k for k in known if k not in present], n=1)
                meant.update(close)
                if close:
                    message = Message(
                        N_("unknown key {key}; did you mean {close!r}? expected one of {keys}"),
                        key=show(name),
                        close=close[0],
                        keys=", ".join(known),
                    )
                else:
                    message = Message(
                        N_("unknown key {key}; expected one of {keys}"),
                        key=show(name),
                        keys=", ".join(known),
                    )
                ctx.report(key_node, message, "unknown-key")
                continue
            if name in out:
                continue  # a duplicate key, reported by the composer
            out[name] = key.validator.check(value_node, ctx.at(name))
        for key in self.keys:
            if key.required and key.name not in out:
                if key.name not in meant:
                    if key.description:
                        message = Message(
                            N_("missing key {key!r} ({about})"),
                            key=key.name,
                            about=Message(key.description),
                        )
                    else:
                        message = Message(N_("missing key {key!r}"), key=key.name)
                    ctx.report(node, message, "missing-key")
                out[key.name] = INVALID
        return out

    def json_schema(self) -> dict[str, Any]:
        props = {key.name: key.validator.json_schema() for key in self.keys}
        for key in self.keys:
            if key.description:
                props[key.name]["description"] = key.description
        return {
            "type": "object",
            "properties": props,
            "required": [k.name for k in self.keys if k.required],
            "additionalProperties": False,
        }


def _label(named: str, counted: str, key: str) -> Callable[[Node, int], str]:
    """A trail segment per item: ``named`` with the item's ``key`` (``area 3``), else
    ``counted`` with its place (``area #3``); both message ids with a field of their own."""

    def label(node: Node, index: int) -> str:
        value = node.get(key) if node.kind == MAP else None
        if value is not None and value.kind in (STR, INT) and value.value:
            return Message(named, value=show(value.value)[1:-1])
        return Message(counted, number=index + 1)

    return label


AGENCY_NAME = Text()

DOCUMENT = Record(
    (
        Key("title", Text(), description=N_("the document's title")),
        Key("issuer", Text(), description=N_("who issued it")),
        Key(
            "year",
            Integer(minimum=1900, what="year", example=2020),
            description=N_("the year it covers"),
        ),
        Key("source", Text(), description=N_("the source file it was imported from")),
        Key("principles", ListOf(Text()), required=False, description=N_("the preamble")),
    )
)

AREA_NUMBER = Integer(what="area number", example=3)
AREA = Record((Key("number", AREA_NUMBER), Key("name", Text())))

AGENCY = Record(
    (
        Key("name", AGENCY_NAME, description=N_("canonical name")),
        Key("kind", OneOf(tuple(k.value for k in AgencyKind))),
        Key("code", Text(), required=False, description=N_("short pinyin code, e.g. swj")),
        Key("aliases", ListOf(AGENCY_NAME), required=False, description=N_("other spellings")),
        Key(
            "alias_codes",
            ListOf(Text()),
            required=False,
            description=N_("pinyin initials of other spellings, e.g. zjj for 市住建局"),
        ),
    )
)

# The task's keys follow its fields in the model; a type says what checks a value,
# and a few fields check more than their type.
_BY_TYPE: dict[str, Callable[[], Validator]] = {
    "int": Integer,
    "str": Text,
    "tuple[str, ...]": lambda: ListOf(AGENCY_NAME),
    "dt.date": Date,
    "dt.date | None": Date,  # optional: an ongoing task has no date
    "tuple[tuple[str, str], ...]": TextMap,
}
_TASK_CHECKS: dict[str, Validator] = {
    "id": Integer(what="id"),
    "area": AREA_NUMBER,
    "description": Text(allow_empty=True),
    "lead": ListOf(AGENCY_NAME, min_items=1),
    # Empty only for an ongoing task (no deadline) whose source states none: see Task.
    "deadline_text": Text(allow_empty=True),
}


def _task_key(f: Field[Any]) -> Key:
    check = _TASK_CHECKS.get(f.name) or _BY_TYPE[str(f.type)]()
    return Key(f.name, check, not f.metadata["optional"], str(f.metadata["about"]))


@dataclass
class TaskRecord(Record):
    """A task: its keys, and a deadline's text that a dated task must state."""

    def check(self, node: Node, ctx: Context) -> Any:
        out = super().check(node, ctx)
        if not isinstance(out, dict):
            return out
        text = out.get("deadline_text")
        dated = isinstance(out.get("deadline"), dt.date)
        if dated and isinstance(text, str) and not text.strip():
            where = node.get("deadline_text") or node
            message = Message(
                N_("must not be empty for a task with a deadline; write it as the source does")
            )
            out["deadline_text"] = ctx.at("deadline_text").report(where, message, "empty-value")
        return out

    def json_schema(self) -> dict[str, Any]:
        out = super().json_schema()
        # A dated task states its deadline in words too; an ongoing one may not.
        out["dependentSchemas"] = {"deadline": {"properties": {"deadline_text": {"minLength": 1}}}}
        return out


TASK = TaskRecord(tuple(map(_task_key, TASK_FIELDS)))

TASKLIST = Record(
    (
        Key("schema", Integer(what="schema version", example=SCHEMA_VERSION)),
        Key("document", DOCUMENT),
        Key(
            "areas",
            ListOf(
                AREA, min_items=1, label=_label(N_("area {value}"), N_("area #{number}"), "number")
            ),
        ),
        Key(
            "agencies",
            ListOf(AGENCY, label=_label(N_("agency {value}"), N_("agency #{number}"), "name")),
        ),
        Key("tasks", ListOf(TASK, label=_label(N_("task {value}"), N_("task #{number}"), "id"))),
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
