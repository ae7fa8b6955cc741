"""YAML text → a light node tree that keeps every position, anchor, tag and duplicate key.

PyYAML's own composer forgets duplicate keys (the last one wins) and
resolves aliases silently; building the tree from the parser's events keeps
what a strict loader needs to report. The C parser is used where available.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from szbiz.errors import Message
from szbiz.i18n import N_

# PyYAML is imported when a text is composed, not with this module: a command
# that reads its list from the cache never pays for it.
if TYPE_CHECKING:
    import yaml

MAX_DEPTH = 32

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAP = "map"
SEQ = "seq"
# An alias, or a collection nested too deep: the composer has reported it, and
# a validator that meets one says nothing more about it.
REPORTED = "reported"

_CORE = "tag:yaml.org,2002:"


@dataclass(eq=False)
class Node:
    """A mapping, sequence or scalar with its 1-based line and column."""

    kind: str  # MAP, SEQ, or the resolved tag of a scalar (STR, INT, …)
    line: int
    column: int
    value: Any = None  # str for scalars
    plain: bool = False  # an unquoted scalar, open to YAML 1.1's implicit typing
    items: list[Node] = field(default_factory=list)  # sequence items
    pairs: list[tuple[Node, Node]] = field(default_factory=list)  # mapping entries

    def get(self, key: str) -> Node | None:
        """The value of the first entry whose key is ``key``."""
        for k, v in self.pairs:
            if k.value == key:
                return v
        return None


@dataclass(frozen=True)
class Flaw:
    """Something in the text itself: bad syntax, an anchor, a tag, a duplicate key."""

    line: int
    column: int
    message: str
    rule: str


class ComposeError(Exception):
    """The text cannot be made into a tree at all: a syntax error, a forbidden character."""

    def __init__(self, flaw: Flaw) -> None:
        super().__init__(flaw.message)
        self.flaw = flaw


def _resolve(value: str) -> str:
    """The tag YAML 1.1 gives a plain scalar: bool for ``yes``, int for ``010``, …

    Our own rule, from the YAML 1.1 type repository: every implicit type's pattern
    begins with an ASCII character, so a scalar that begins with another (all the
    Chinese text) is a string without asking the resolver.
    """
    if value and value[0] > "\x7f":
        return STR
    return _resolve_by_pattern(value)


@functools.lru_cache(maxsize=4096)
def _resolve_by_pattern(value: str) -> str:
    """PyYAML's public resolver, asked once for each spelling of a short key or value."""
    import yaml

    resolver: Any = yaml.resolver.Resolver()
    tag: str = resolver.resolve(yaml.ScalarNode, value, (True, False))
    return tag


# What YAML refuses in a stream: our own rule, from the printable set of YAML 1.1
# (5.1), which PyYAML and libyaml also follow: all but \t \n \r \x20-\x7e \x85
# \xa0-\ud7ff \ue000-\ufffd \U00010000-\U0010ffff. Written as the few ranges refused:
# the class of those allowed takes milliseconds to compile.
NON_PRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
# What YAML counts as a line break, for positions that come from the text itself.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``, counted as YAML counts them."""
    line, start = 1, 0
    for match in _BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


def show(value: str) -> str:
    """``value`` quoted for a message, cut short if it is long."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


_SYNTAX_HINTS = (
    ("tab", N_("indent with spaces, not tabs")),
    ("mapping values are not allowed", N_("quote a value that holds ': '")),
)


def _syntax_flaw(exc: yaml.MarkedYAMLError) -> Flaw:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    # PyYAML's own words (``mapping values are not allowed here``) are English.
    message = exc.problem or exc.context or "cannot parse"
    context = exc.context_mark
    if (
        exc.problem
        and exc.context
        and "plain scalar" not in exc.context  # where a plain scalar starts says little
        and context is not None
        and mark is not None
        and (context.line, context.column) != (mark.line, mark.column)
    ):
        message += (
            f" ({exc.context} that starts at line {context.line + 1}, column {context.column + 1})"
        )
    hint = next((hint for needle, hint in _SYNTAX_HINTS if needle in message), "")
    if hint:
        said = Message(N_("invalid YAML: {message}; {hint}"), message=message, hint=Message(hint))
    else:
        said = Message(N_("invalid YAML: {message}"), message=message)
    return Flaw(line, col, said, "syntax")


def compose(text: str) -> tuple[Node | None, list[Flaw]]:
    """Parse one YAML document into a Node tree.

    Returns the root (None for an empty stream) and every flaw found on the
    way; raises ComposeError when the text cannot be parsed at all. An alias
    and a collection nested too deep are flaws: each stands in the tree as a
    REPORTED node, so that the rest of the document is still checked.
    """
    import yaml

    bad = NON_PRINTABLE.search(text)
    if bad is not None:
        line, col = position(text, bad.start())
        message = Message(
            N_("control character U+{code} is not allowed in YAML; remove it"),
            code=f"{ord(bad.group()):04X}",
        )
        raise ComposeError(Flaw(line, col, message, "character"))
    flaws: list[Flaw] = []
    stack: list[Node] = []
    pending_key: list[Node | None] = []  # per open mapping: a key awaiting its value
    keys_seen: list[dict[str, Node]] = []  # per open collection: its keys so far
    anchors: dict[str, int] = {}  # anchor → the line it is set on
    root: Node | None = None
    documents = 0
    skipping = 0  # > 0 inside a collection nested too deep: its events are dropped

    def flaw(line: int, col: int, message: str, rule: str) -> None:
        flaws.append(Flaw(line, col, message, rule))

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        key = pending_key[-1]
        if parent.kind == SEQ:
            parent.items.append(node)
        elif key is None:
            pending_key[-1] = node
        else:
            pending_key[-1] = None
            if key.kind in (MAP, SEQ):
                got = Message(N_("a mapping") if key.kind == MAP else N_("a list"))
                message = Message(N_("a mapping key must be text, got {got}"), got=got)
                flaw(key.line, key.column, message, "type")
            elif key.kind != REPORTED and isinstance(key.value, str):
                first = keys_seen[-1].setdefault(key.value, key)
                if first is not key:
                    message = Message(
                        N_(
                            "duplicate key {key} (first at line {line}); "
                            "keep one: YAML would silently drop all but the last"
                        ),
                        key=show(key.value),
                        line=first.line,
                    )
                    flaw(key.line, key.column, message, "duplicate-key")
            parent.pairs.append((key, node))

    try:
        # PyYAML's C parser where it was built with libyaml, else the Python one.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for event in yaml.parse(text, Loader=loader):
            if skipping:
                if isinstance(event, yaml.CollectionStartEvent):
                    skipping += 1
                elif isinstance(event, yaml.CollectionEndEvent):
                    skipping -= 1
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                pending_key.pop()
                keys_seen.pop()
                continue
            mark: Any = event.start_mark  # every event of a parsed text has one
            line, col = mark.line + 1, mark.column + 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents == 1:
                    continue
                message = Message(
                    N_(
                        "a second YAML document starts here; the file holds exactly one: "
                        "remove this one or merge it into the first"
                    )
                )
                flaw(line, col, message, "document")
                break
            if not isinstance(event, yaml.NodeEvent):
                continue  # the ends of the stream and of the document
            if isinstance(event, yaml.AliasEvent):
                where = anchors.get(event.anchor or "")
                target = Message(N_("no anchor of that name comes before it"))
                if where is not None:
                    target = Message(N_("the anchor is at line {line}"), line=where)
                message = Message(
                    N_("alias *{anchor} is not allowed ({why}); write the value out"),
                    anchor=event.anchor,
                    why=target,
                )
                flaw(line, col, message, "anchor")
                attach(Node(REPORTED, line, col, f"*{event.anchor}"))
                continue
            if event.anchor is not None:
                anchors.setdefault(event.anchor, line)
                message = Message(
                    N_("anchor &{anchor} is not allowed; a canonical list writes every value out"),
                    anchor=event.anchor,
                )
                flaw(line, col, message, "anchor")
            assert isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent)
            if event.tag is not None:
                tag = str(event.tag)
                if tag.startswith(_CORE):
                    tag = "!!" + tag[len(_CORE) :]
                if isinstance(event, yaml.ScalarEvent):
                    text = N_(
                        "tag {tag} is not allowed; remove it, "
                        "and quote the value if it must be text"
                    )
                else:
                    text = N_("tag {tag} is not allowed; remove it")
                flaw(line, col, Message(text, tag=tag), "tag")
            if isinstance(event, yaml.ScalarEvent):
                plain = not event.style
                # An explicit tag (even a bare !) stops YAML guessing a type; of the
                # tags, only !!str and ! are honoured, as text.
                textual = not plain or event.tag in ("!", STR)
                kind = STR if textual else _resolve(event.value)
                attach(Node(kind, line, col, event.value, plain))
                continue
            if len(stack) >= MAX_DEPTH:
                message = Message(
                    N_("nested more than {depth} levels deep; no valid list nests more than 4"),
                    depth=MAX_DEPTH,
                )
                flaw(line, col, message, "nesting")
                attach(Node(REPORTED, line, col, "…"))
                skipping = 1
                continue
            kind = MAP if isinstance(event, yaml.MappingStartEvent) else SEQ
            node = Node(kind, line, col)
            attach(node)
            stack.append(node)
            pending_key.append(None)
            keys_seen.append({})
    except yaml.MarkedYAMLError as exc:
        raise ComposeError(_syntax_flaw(exc)) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error is one of the above
        text = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        said = Message(N_("invalid YAML: {message}"), message=text)
        raise ComposeError(Flaw(1, 1, said, "syntax")) from exc
    return root, flaws
