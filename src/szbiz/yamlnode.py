"""YAML text → a light node tree that keeps every position, anchor, tag and duplicate key.

PyYAML's own composer forgets duplicate keys (the last one wins) and
resolves aliases silently; building the tree from the parser's events keeps
what a strict loader needs to report. The C parser is used where available.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # pragma: no cover - depends on how PyYAML was built
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAP = "map"
SEQ = "seq"

_RESOLVER = yaml.resolver.Resolver()


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
    trail: tuple[str, ...] = ()


class ComposeError(Exception):
    """The text cannot be made into a tree at all (syntax error, too deep)."""

    def __init__(self, flaw: Flaw) -> None:
        super().__init__(flaw.message)
        self.flaw = flaw


def _resolve(value: str) -> str:
    """The tag YAML 1.1 gives a plain scalar: bool for ``yes``, int for ``010``, …"""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _pos(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _describe(node: Node) -> str:
    return f"{node.value!r}" if node.kind not in (MAP, SEQ) else f"a {node.kind}"


def compose(text: str) -> tuple[Node | None, list[Flaw]]:
    """Parse one YAML document into a Node tree.

    Returns the root (None for an empty stream) and every flaw found on the
    way; raises ComposeError when the text cannot be parsed at all.
    """
    flaws: list[Flaw] = []
    stack: list[Node] = []
    pending_key: list[Node | None] = []  # per open mapping: a key awaiting its value
    root: Node | None = None
    documents = 0

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if parent.kind == SEQ:
            parent.items.append(node)
        elif pending_key[-1] is None:
            pending_key[-1] = node
        else:
            key = pending_key[-1]
            pending_key[-1] = None
            assert key is not None
            if key.kind in (MAP, SEQ):
                flaws.append(Flaw(key.line, key.column, "a mapping key must be text", "type"))
            elif any(k.value == key.value for k, _ in parent.pairs):
                first = next(k for k, _ in parent.pairs if k.value == key.value)
                flaws.append(
                    Flaw(
                        key.line,
                        key.column,
                        f"duplicate key {key.value!r} (first at line {first.line}); "
                        "YAML would silently keep only the last one",
                        "duplicate-key",
                    )
                )
            parent.pairs.append((key, node))

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _pos(event)
                    flaws.append(
                        Flaw(line, col, "a second YAML document; the file holds one", "document")
                    )
                    break
                continue
            if isinstance(event, yaml.AliasEvent):
                line, col = _pos(event)
                raise ComposeError(
                    Flaw(
                        line,
                        col,
                        f"alias *{event.anchor} is not allowed; write the value out",
                        "anchor",
                    )
                )
            if isinstance(event, yaml.NodeEvent):
                line, col = _pos(event)
                if event.anchor is not None:
                    flaws.append(
                        Flaw(
                            line,
                            col,
                            f"anchor &{event.anchor} is not allowed; "
                            "a canonical list writes every value out",
                            "anchor",
                        )
                    )
                if isinstance(event, yaml.ScalarEvent):
                    plain = event.style is None or event.style == ""
                    if event.tag not in (None, "!") and not (plain and event.implicit[0]):
                        flaws.append(Flaw(line, col, f"tag {event.tag} is not allowed", "tag"))
                    kind = _resolve(event.value) if plain else STR
                    attach(Node(kind, line, col, event.value, plain))
                    continue
                assert isinstance(event, yaml.CollectionStartEvent)
                if event.tag is not None and not event.implicit:
                    flaws.append(Flaw(line, col, f"tag {event.tag} is not allowed", "tag"))
                if len(stack) >= MAX_DEPTH:
                    raise ComposeError(
                        Flaw(line, col, f"nested more than {MAX_DEPTH} levels deep", "nesting")
                    )
                kind = MAP if isinstance(event, yaml.MappingStartEvent) else SEQ
                node = Node(kind, line, col)
                attach(node)
                stack.append(node)
                pending_key.append(None)
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                pending_key.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        raise ComposeError(Flaw(line, col, f"invalid YAML: {what}", "syntax")) from exc
    except yaml.YAMLError as exc:
        raise ComposeError(Flaw(1, 1, f"invalid YAML: {exc}", "syntax")) from exc
    return root, flaws


__all__ = ["ComposeError", "Flaw", "Node", "_describe", "compose"]
