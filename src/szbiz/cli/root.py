"""The root command (the Typer app), the options every command shares, and how commands print.

This package is the only place that reads argv, writes stdout and decides exit codes.
"""

from __future__ import annotations

import copy
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from szbiz.cli.errors import debugging, exit_code
from szbiz.errors import SzbizError, UsageError
from szbiz.i18n import LANGUAGES, N_, _, setup, strerror


class Translated:
    """A command whose usage line and help option speak the language chosen: click writes
    ``Usage: `` and ``Show this message and exit.`` itself, without gettext."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _(HELP_OPTION)
        return option


HELP_OPTION = N_("Show this message and exit.")
HELP_NAMES = frozenset(("-h", "--help"))
# What the help's <type> column says of an option's value, by the name of its click type
# (a number typed for szbiz.cli.options.count is of the type ``parse``).
TYPE_NAMES = {"str": N_("text"), "path": N_("path"), "parse": N_("number")}
OPTIONS_METAVAR = N_("[OPTIONS]")
COMMAND_METAVAR = N_("COMMAND [ARGS]...")


class SzbizCommand(Translated, TyperCommand):
    """Every szbiz command (registered with this class by ``szbiz.cli.load_commands``)."""


class SzbizGroup(Translated, TyperGroup):
    """Runs a command; every error it raises goes through ``szbiz.cli.errors``."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args) or ["--help"]
        if setup(argv) != "en":  # help is shown only when asked for: its texts too
            translate_help(self, texts=not HELP_NAMES.isdisjoint(argv))
        try:
            result = super().main(
                argv, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except BaseException as exc:
            if not standalone_mode or debugging(argv) or isinstance(exc, SystemExit):
                raise
            sys.exit(exit_code(exc, self.name or "szbiz"))
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def translate_help(command: Any, texts: bool = True) -> None:
    """Put the help of ``command``, its options and its commands in the language chosen:
    the names of values (``ID``) and the usage line always, since errors quote them; the
    texts (``texts``) when help is shown.

    The message ids are the English texts (marked with ``N_``, or the command's
    docstring); click's objects are built anew for every run, after the
    language is known."""
    if getattr(command, "options_metavar", None) == OPTIONS_METAVAR:
        command.options_metavar = _(OPTIONS_METAVAR)
    if getattr(command, "subcommand_metavar", None) == COMMAND_METAVAR:
        command.subcommand_metavar = _(COMMAND_METAVAR)
    for param in getattr(command, "params", ()):
        if param.metavar:  # ID, TEXT, FILE…: marked with N_ where declared
            param.metavar = _(param.metavar)
    if texts:
        _translate_texts(command)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub, texts)


def _translate_texts(command: Any) -> None:
    for name in ("help", "short_help", "epilog", "rich_help_panel"):
        text = getattr(command, name, None)
        if text:
            setattr(command, name, _(text))
    if command.help and not command.short_help:  # its line in the table of commands
        command.short_help = breakable(command.help.split("\n\n")[0], widest=40)
    for param in getattr(command, "params", ()):
        for name in ("help", "rich_help_panel"):
            text = getattr(param, name, None)
            if text:
                setattr(param, name, _(text))
        if getattr(param, "help", None):
            param.help = breakable(param.help)
        kind = getattr(param.type, "name", "")
        if kind in TYPE_NAMES:  # the type is shared by every option: a copy of its own
            param.type = copy.copy(param.type)
            param.type.name = _(TYPE_NAMES[kind])


# Where a run of Chinese may break: after full-width punctuation that ends a clause, and
# before an opening bracket.
_CLAUSE_ENDS = "，；：。、）"
_CLAUSE_STARTS = "（"


def _cells(text: str) -> int:
    return sum(2 if char >= "\u2e80" else 1 for char in text)


def breakable(text: str, widest: int = 20) -> str:
    """``text`` with a space where a run wider than ``widest`` cells may break: rich wraps a
    table's cell only at spaces, and crops (with …) an option's help with a word wider than
    it, which a run of Chinese soon is. English words are narrower: English stays as it is.
    """
    return "".join(
        token if token.isspace() or _cells(token) <= widest else _split(token, widest)
        for token in re.split(r"(\s+)", text)
    )


def _split(run: str, widest: int) -> str:
    pieces: list[str] = []
    start = cut = 0
    for i, char in enumerate(run):
        if char in _CLAUSE_STARTS and i > start:
            cut = i
        if _cells(run[start : i + 1]) > widest and cut > start:
            pieces.append(run[start:cut])
            start = cut
        following = run[i + 1 : i + 2]
        if char in _CLAUSE_ENDS and following and following not in _CLAUSE_ENDS:
            cut = i + 1
    pieces.append(run[start:])
    return " ".join(pieces)


# Shell completion: typer's --install-completion and --show-completion, and the requests an
# installed completion script makes (with _SZBIZ_COMPLETE set). Built only when asked for:
# typer's completion machinery costs every other run start-up time.
COMPLETION_OPTIONS = ("--install-completion", "--show-completion")
COMPLETE_VARIABLE = "_SZBIZ_COMPLETE"


def completing() -> bool:
    """Whether this run answers a completion script's request for candidates."""
    return COMPLETE_VARIABLE in os.environ


def _completion_asked() -> bool:
    options = (arg.partition("=")[0] for arg in sys.argv[1:])
    return completing() or any(option in COMPLETION_OPTIONS for option in options)


app = typer.Typer(
    cls=SzbizGroup,
    name="szbiz",
    pretty_exceptions_enable=False,
    add_completion=_completion_asked(),
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from szbiz import __version__

        typer.echo(f"szbiz {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: Annotated[
        bool,
        typer.Option("--debug", help=N_("Show a traceback for errors (or set SZBIZ_DEBUG=1).")),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="zh|en",
            help=N_(
                "The language to speak: zh (Chinese) or en (English); "
                "default: env SZBIZ_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG)."
            ),
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help=N_("Print the version and exit."),
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    """Track Shenzhen's 2020 business-environment reform task list (210 tasks, 14 areas).

    Exit codes: 0 success; 1 a list or ledger that is invalid or cannot be read
    or written, or a state that forbids the change; 2 a usage error (unknown
    option, a value that cannot be read, a ledger in a missing directory).
    """
    if lang is not None and lang not in LANGUAGES:
        from szbiz.dates import shown

        raise UsageError(_("--lang {value!r}: give zh or en").format(value=shown(lang)))


# SZBIZ_LIST, SZBIZ_TASKS and SZBIZ_PROGRESS are read by szbiz.settings, which also says
# which of option, environment and szbiz.toml chose the file.
ListOption = Annotated[
    str | None,
    typer.Option(
        "--list",
        metavar=N_("KEY"),
        help=N_(
            "Work on this list of the ones szbiz.toml names by key, e.g. 2021 (env "
            "SZBIZ_LIST, else the first); each has its own ledger."
        ),
    ),
]
TasksOption = Annotated[
    Path | None,
    typer.Option(
        "--tasks",
        readable=False,  # szbiz says what is wrong with a list it cannot read (exit 1)
        help=N_(
            "Read this task list instead of the one in use (env SZBIZ_TASKS, szbiz.toml, "
            "else the bundled list)."
        ),
    ),
]
ProgressOption = Annotated[
    Path | None,
    typer.Option(
        "--progress",
        readable=False,  # szbiz says what is wrong with a ledger it cannot read (exit 1)
        help=N_(
            "The progress ledger (env SZBIZ_PROGRESS, szbiz.toml, else the per-user one; "
            "see szbiz where)."
        ),
    ),
]


def write(text: str) -> None:
    """Write to stdout; the only way commands print their results."""
    sys.stdout.write(text)
    sys.stdout.flush()


def check_output(output: Path, in_use: Sequence[tuple[str, Path]] = ()) -> None:
    """Refuse, before any work, an ``-o`` file that could not be written, or that is one of
    the files ``in_use`` (what each is, ``the task list in use``, and its path): writing
    would destroy what is being read."""
    from szbiz.files import same_file, write_target

    for what, path in in_use:
        if same_file(output, path):
            raise UsageError(
                _("-o {path} is {what}; choose another file").format(path=output, what=what)
            )
    write_target(output)


def write_file(output: Path, data: bytes) -> None:
    """Replace ``output`` atomically; a failure is one line and the old file stays whole.

    Only a regular file is replaced (``szbiz.files.write_target``): through a
    symlink, the file it ends at."""
    from szbiz.atomic import atomic_write
    from szbiz.files import write_target

    target = write_target(output)
    try:
        atomic_write(target, data)
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise UsageError(
                _("cannot write {path}: the directory {parent} does not exist").format(
                    path=output, parent=target.parent
                )
            ) from None
        # The directory is there but takes no new file (/proc, say).
        raise SzbizError(
            _("cannot write {path}: {parent} does not take new files").format(
                path=output, parent=target.parent
            )
        ) from None
    except PermissionError:
        raise SzbizError(
            _(
                "cannot write {path}: permission denied (is it open in Excel or another program?)"
            ).format(path=output)
        ) from None
    except OSError as exc:
        raise SzbizError(
            _("cannot write {path}: {why}").format(path=output, why=strerror(exc))
        ) from None


def say(text: str) -> None:
    """A note for the person, not for a pipe: stderr; a name or path in it is shown safely."""
    from szbiz.render.safe import terminal

    typer.echo(terminal(text), err=True)


def unicode_output(stream: Any = None) -> bool:
    """Whether ``stream`` (stdout by default) writes a Unicode encoding, which shows every
    character; GBK (code page 936), the default of many Chinese Windows consoles, does not."""
    import codecs

    encoding = getattr(sys.stdout if stream is None else stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


FALLBACK = "szbiz.fallback"


def _fallback(exc: UnicodeError) -> tuple[str, int]:
    """For what the stream's encoding cannot write: a glyph's plain form (``░`` → ``.``,
    ``🔴`` → ``红``, ``szbiz.render.table.PLAIN``) where the encoding has it, else a ``?`` for
    each terminal cell the character takes, so that a table stays aligned."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    from rich.cells import cell_len

    from szbiz.render.table import PLAIN

    out = []
    for char in exc.object[exc.start : exc.end]:
        plain = PLAIN.get(char, "")
        try:
            plain.encode(exc.encoding)
        except UnicodeEncodeError:
            plain = ""
        out.append(plain or "?" * max(1, cell_len(char)))
    return "".join(out), exc.end


def console() -> None:
    """Make writing stdout and stderr unable to fail for their encoding, once for all output
    (``write``, ``say``, errors, help): a character the encoding cannot write becomes its
    plain form or ``?`` (``_fallback``) instead of a UnicodeEncodeError. An error handler
    the user chose (``PYTHONIOENCODING=gbk:ignore``) is kept."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        if not hasattr(stream, "reconfigure"):
            continue
        if os.name == "nt" and not stream.isatty() and "PYTHONIOENCODING" not in os.environ:
            # Windows pipes default to the ANSI code page: UTF-8 unless the user chose.
            stream.reconfigure(encoding="utf-8")  # pragma: no cover
        elif not unicode_output(stream) and stream.errors in ("strict", "backslashreplace"):
            codecs.register_error(FALLBACK, _fallback)
            stream.reconfigure(errors=FALLBACK)


def run() -> None:
    """Run the app on sys.argv, as the console script does (see szbiz.cli.main)."""
    console()
    app()
