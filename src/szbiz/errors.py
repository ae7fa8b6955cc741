"""The project's own error types; the CLI turns them into one line and an exit code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum


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
        """The message with its context trail: ``task 42 → deadline: expected …``."""
        if not self.trail:
            return self.message
        return " → ".join(self.trail) + ": " + self.message

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
        first = str(errors[0]) if errors else "cannot load"
        more = len(errors) - 1
        message = first if more <= 0 else f"{first} (and {more} more; run szbiz lint)"
        super().__init__(message, exit_code)
