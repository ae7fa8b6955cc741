"""The Typer app, its error handling, and the options every command shares.

This package is the only place that reads argv, writes stdout and decides exit codes.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

# typer 0.28 carries its own copy of click; its exception types are what a
# usage error raises.
from typer._click import Context as ClickContext
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from szbiz.errors import ExitCode, SzbizError, UsageError

if TYPE_CHECKING:
    from szbiz.config import Settings


_debug_flag = False  # set by --debug


def _debug(ctx: ClickContext | None = None) -> bool:
    """Whether errors should show their traceback: --debug or SZBIZ_DEBUG=1."""
    if _debug_flag or os.environ.get("SZBIZ_DEBUG", "") not in ("", "0"):
        return True
    root = ctx.find_root() if ctx is not None else None
    return bool(root is not None and isinstance(root.obj, dict) and root.obj.get("debug"))


class SzbizGroup(TyperGroup):
    """Turns every user error into one line on stderr and its exit code."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except SzbizError as exc:
            if _debug(ctx):
                raise
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(int(exc.exit_code)) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone_mode = kwargs.pop("standalone_mode", True)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except ClickException as exc:
            if not standalone_mode:
                raise
            where = exc.ctx.command_path if getattr(exc, "ctx", None) else "szbiz"  # type: ignore[attr-defined]
            typer.echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("error: interrupted", err=True)
            sys.exit(130)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


app = typer.Typer(
    cls=SzbizGroup,
    name="szbiz",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from szbiz import __version__

        typer.echo(f"szbiz {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for errors (or set SZBIZ_DEBUG=1).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """Track Shenzhen's 2020 business-environment reform task list (210 tasks, 14 areas).

    Exit codes: 0 success; 1 a list or ledger that is invalid or cannot be read
    or written, or a state that forbids the change; 2 a usage error (unknown
    option, a value that cannot be read, a ledger in a missing directory).
    """
    global _debug_flag
    _debug_flag = debug
    ctx.obj = {"debug": debug}


# SZBIZ_TASKS and SZBIZ_PROGRESS are read by szbiz.config, which also says
# which of option, environment and szbiz.toml chose the file.
TasksOption = Annotated[
    Path | None,
    typer.Option(
        "--tasks",
        help="Read this task list instead of the one in use (env SZBIZ_TASKS, szbiz.toml, "
        "else the bundled list).",
        show_default=False,
    ),
]
ProgressOption = Annotated[
    Path | None,
    typer.Option(
        "--progress",
        help="The progress ledger (env SZBIZ_PROGRESS, szbiz.toml, else the per-user one; "
        "see szbiz where).",
        show_default=False,
    ),
]


def settings(tasks: Path | None = None, progress: Path | None = None) -> Settings:
    """Which list and ledger are in use, and why."""
    from szbiz.config import resolve

    return resolve(progress, tasks, Path.cwd())


def tasks_path(option: Path | None) -> Path:
    """The list in use: --tasks, SZBIZ_TASKS, szbiz.toml, else the bundled one."""
    chosen = settings(option).tasks
    if chosen is not None:
        return chosen
    from szbiz.paths import bundled_tasks

    return bundled_tasks()


def write(text: str) -> None:
    """Write to stdout; the only way commands print their results."""
    sys.stdout.write(text)
    sys.stdout.flush()


def write_file(output: Path, data: bytes) -> None:
    """Replace ``output`` atomically; a failure is one line and the old file stays whole."""
    from szbiz.atomic import atomic_write

    try:
        atomic_write(output, data)
    except FileNotFoundError:
        raise UsageError(
            f"cannot write {output}: the directory {output.parent} does not exist"
        ) from None
    except PermissionError:
        raise SzbizError(
            f"cannot write {output}: permission denied (is it open in Excel or another program?)"
        ) from None
    except OSError as exc:
        raise SzbizError(f"cannot write {output}: {exc.strerror or exc}") from None


def say(text: str) -> None:
    """A note for the person, not for a pipe: stderr."""
    typer.echo(text, err=True)


def run() -> None:
    """Run the app on sys.argv, as the console script does (see szbiz.cli.main)."""
    if os.name == "nt":  # pragma: no cover - Windows pipes default to the ANSI code page
        for stream in (sys.stdout, sys.stderr):
            if not stream.isatty() and hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8")
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    except OSError as exc:
        # The reader (head, more, findstr) went away: stop quietly, and keep
        # Python from complaining when it flushes stdout at exit. Windows says
        # EINVAL where POSIX says EPIPE.
        if isinstance(exc, BrokenPipeError) or exc.errno in (errno.EPIPE, errno.EINVAL):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        if _debug():
            raise
        sys.stderr.write(f"error: {exc.strerror or exc}{_where(exc)}\n")
        sys.exit(int(ExitCode.PROBLEMS))
    except SzbizError as exc:
        if _debug():
            raise
        sys.stderr.write(f"error: {exc.message}\n")
        sys.exit(int(exc.exit_code))
    except Exception as exc:  # a bug: one line, the traceback behind --debug
        if _debug():
            raise
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}: {exc}); "
            "run again with --debug for the traceback, and please report it\n"
        )
        sys.exit(int(ExitCode.PROBLEMS))


def _where(exc: OSError) -> str:
    return f": {exc.filename}" if exc.filename else ""


__all__ = [
    "ExitCode",
    "ProgressOption",
    "TasksOption",
    "app",
    "run",
    "say",
    "settings",
    "tasks_path",
    "write",
    "write_file",
]
