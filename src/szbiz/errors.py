"""The project's own error types; the CLI turns them into one line and an exit code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class Message(str):
    """Text for a person that is also data: its value is the English text (what lint's JSON
    prints in every language), and ``localized()`` says it in the language chosen.

    ``Message(N_("task {id}"), id=42)``: the message id, marked for the catalog, and
    the values of its fields, which may be Messages themselves."""

    msgid: str
    args: dict[str, Any]

    def __new__(cls, msgid: str, **args: Any) -> Message:
        self = super().__new__(cls, msgid.format(**args) if args else msgid)
        self.msgid, self.args = msgid, args
        return self

    def localized(self) -> str:
        from szbiz.i18n import _

        text = _(self.msgid)
        if not self.args:
            return text
        return text.format(**{key: localized(value) for key, value in self.args.items()})


def localized(value: Any) -> Any:
    """``value`` in the language chosen if it is a Message; else as it is."""
    return value.localized() if isinstance(value, Message) else value


def said(exc: BaseException) -> str:
    """What a library raised, as one short line (at most 200 characters)."""
    text = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return text if len(text) <= 200 else text[:199] + "…"


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1  # invalid data, or a state that forbids the change
    USAGE = 2  # the command line itself is wrong


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, located at 1-based line and column."""

    path: str
    line: int
    column: int
    message: str
    rule: str
    level: str = "error"  # "error" or "warning"
    trail: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The message with its context trail: ``task 42 → deadline: expected …`` (English:
        what lint's JSON says)."""
        if not self.trail:
            return self.message
        return " → ".join(self.trail) + ": " + self.message

    def said(self) -> str:
        """The message with its trail in the language chosen, for a person to read."""
        message = str(localized(self.message))
        if not self.trail:
            return message
        return " → ".join(str(localized(step)) for step in self.trail) + ": " + message

    def shown(self) -> str:
        """``file:line:col: message`` in the language chosen."""
        return f"{self.location()}: {self.said()}"

    def location(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location()}: {self.text}"


class SzbizError(Exception):
    """An error the user can act on: printed as one line on stderr, never a traceback."""

    exit_code: ExitCode = ExitCode.PROBLEMS

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(SzbizError):
    """The command line asked for something that cannot be: exit 2."""

    exit_code = ExitCode.USAGE


class LoadError(SzbizError):
    """A file could not be read into the model; carries every problem found."""

    def __init__(self, problems: Sequence[Problem], exit_code: ExitCode | None = None) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.level == "error"] or list(self.problems)
        from szbiz.i18n import _

        first = errors[0].shown() if errors else _("cannot load")
        more = len(errors) - 1
        if more > 0:
            first = _("{problem} (and {count} more; run szbiz lint)").format(
                problem=first, count=more
            )
        message = first
        super().__init__(message, exit_code)
