"""Lint problems as text, JSON or GitHub workflow commands."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from szbiz.errors import Problem
from szbiz.i18n import _
from szbiz.render import Registry, safe

ProblemRenderer = Callable[[Sequence[Problem]], str]
PROBLEM_FORMATS: Registry[ProblemRenderer] = Registry()


def level(name: str) -> str:
    """A problem's level (``error``, ``warning``) as a person reads it."""
    return _("warning") if name == "warning" else _("error")


@PROBLEM_FORMATS.register("text")
def text(problems: Sequence[Problem]) -> str:
    """``file:line:col: error: message [rule]``, a line each, safe for the terminal."""
    return "".join(
        safe.terminal(f"{p.location()}: {level(p.level)}: {p.said()} [{p.rule}]") + "\n"
        for p in problems
    )


@PROBLEM_FORMATS.register("json")
def as_json(problems: Sequence[Problem]) -> str:
    rows = [
        {
            "path": p.path,
            "line": p.line,
            "column": p.column,
            "level": p.level,
            "rule": p.rule,
            "message": p.text,
        }
        for p in problems
    ]
    return safe.json(json.dumps(rows, ensure_ascii=False, indent=2)) + "\n"


def _escape_data(value: str) -> str:
    """As the runner reads it back; then no other control or bidi character is left."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return safe.terminal(value)


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


@PROBLEM_FORMATS.register("github")
def github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands, which annotate the file in a pull request."""
    lines = []
    for p in problems:
        props = [f"file={_escape_property(p.path)}"]
        if p.line > 0:
            props += [f"line={p.line}", f"col={p.column}"]
        props.append(f"title={_escape_property('szbiz ' + p.rule)}")
        lines.append(f"::{p.level} {','.join(props)}::{_escape_data(p.said())}\n")
    return "".join(lines)
