"""Commands on the list itself: import, lint, schema."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from szbiz.cli.root import (
    ListOption,
    ProgressOption,
    TasksOption,
    app,
    check_output,
    say,
    write,
    write_file,
)
from szbiz.errors import ExitCode, LoadError, Problem, SzbizError, UsageError, localized
from szbiz.i18n import N_, _

if TYPE_CHECKING:
    from szbiz.dump import Origin
    from szbiz.importer.table import Imported


@app.command("import")
def import_(
    source: Annotated[
        Path,
        typer.Argument(
            help=N_(
                "The source list: .txt or .tsv (tab-separated text, as extracted from a PDF), "
                ".csv, .xlsx, .docx, or .pdf with a text layer."
            ),
            readable=False,  # the readers say what is wrong with a file they cannot read
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            readable=False,  # szbiz.files says what is wrong with a file it cannot write
            help=N_("Write the YAML here (atomically); default stdout."),
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="FORMAT",
            help=N_("Read FILE as text, csv, xlsx, docx or pdf; default by its extension."),
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(help=N_("The sheet of an Excel workbook to read; default the first.")),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="HEADER=FIELD",
            help=N_(
                "Read the column headed HEADER as FIELD: id, area, measure, description, "
                "lead, support, deadline, extra or ignore (repeatable)."
            ),
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            help=N_(
                "The document's year, for deadlines such as 6月底; default the year in its title."
            )
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help=N_("Fail on warnings too; nothing is written."))
    ] = False,
    first_is_lead: Annotated[
        bool,
        typer.Option(
            "--first-is-lead",
            help=N_("Of several agencies in the lead column, the first leads, the others support."),
        ),
    ] = False,
    issuer: Annotated[
        str | None,
        typer.Option(help=N_("Who issued the document; default as its title says.")),
    ] = None,
) -> None:
    """Turn a source list (a table) into the canonical YAML list.

    Columns are found by their headers (序号, 改革措施, 牵头单位, 完成时限 and their
    synonyms; --column names others); other columns are kept as extra fields.
    data/tasks.yaml is exactly the output of
    `szbiz import data/source/shenzhen-2020-tasks.txt -o data/tasks.yaml`.
    Every row that cannot be read is reported with its line or cell and
    nothing is written; warnings (a gap in the numbering) are reported too.
    Exit codes: 0 written, 1 unreadable rows (or warnings with --strict), 2 usage.
    """
    from szbiz.dates import FIRST, LAST
    from szbiz.dump import dump_tasklist
    from szbiz.importer.formats import format_of, read_grid
    from szbiz.importer.table import Options, read_table
    from szbiz.render.problems import level

    columns = _columns(column or [])
    if year is not None and not FIRST.year <= year <= LAST.year:
        raise UsageError(
            _("--year {year}: expected a year in {first}–{last}").format(
                year=year, first=FIRST.year, last=LAST.year
            )
        )
    kind = format_of(source, fmt)
    if output is not None:
        check_output(output, ((_("the source being imported"), source), *_ledger_in_use()))
    options = Options(columns, year, strict, first_is_lead, issuer)
    try:
        imported = read_table(read_grid(source, kind, sheet=sheet), options)
    except LoadError as exc:  # every row that cannot be read, a line each
        for problem in exc.problems:
            say(f"{level(problem.level)}: {problem.shown()}")
        raise typer.Exit(int(ExitCode.PROBLEMS)) from None
    for problem in imported.warnings:
        say(f"{problem.location()}: {level(problem.level)}: {problem.said()}")
    origin = _origin(
        source,
        output,
        (("--from", fmt), ("--sheet", sheet), ("--year", None if year is None else str(year))),
        column or [],
        first_is_lead,
        issuer,
    )
    text = dump_tasklist(imported.tasks, origin)
    if output is None:
        write(text)
    else:
        write_file(output, text.encode("utf-8"))
    say(_summary(imported, output))


def _origin(
    source: Path,
    output: Path | None,
    options: tuple[tuple[str, str | None], ...],
    columns: list[str],
    first_is_lead: bool,
    issuer: str | None,
) -> Origin:
    """The command as typed, for the list's header, so that it says how to make the list
    again; paths with / as on every platform, so a list made on Windows reads the same."""
    import re
    import shlex

    from szbiz.dump import Origin

    # Characters a shell reads otherwise: a word holding one is quoted.
    special = re.compile(r"""[\s'"$`\\|&;<>()*?\[\]{}~#!]""")

    def shown(path: Path) -> str:
        return PurePath(path).as_posix()

    words = ["szbiz", "import", shown(source)]
    words += [w for flag, value in options if value is not None for w in (flag, value)]
    words += [w for value in columns for w in ("--column", value)]
    if first_is_lead:
        words.append("--first-is-lead")
    if issuer is not None:
        words += ["--issuer", issuer]
    if output is not None:
        words += ["-o", shown(output)]

    def quoted(word: str) -> str:
        return word if word and not special.search(word) else shlex.quote(word)

    command = " ".join(map(quoted, words))
    return Origin(shown(source), command, quoted(shown(output)) if output is not None else "")


_KINDS_SAID = {
    "national": N_("{count} national"),
    "provincial": N_("{count} provincial"),
    "unknown": N_("{count} unknown"),
}


def _summary(imported: Imported, output: Path | None) -> str:
    """One line: what was imported (and where it was written), then what to know of it."""
    from szbiz.i18n import ngettext

    tasks = imported.tasks
    figures = {"tasks": len(tasks.tasks), "areas": len(tasks.areas)}
    figures["agencies"] = len(tasks.agencies)
    counted = {
        "tasks": ngettext("{count} task", "{count} tasks", figures["tasks"]),
        "areas": ngettext("{count} area", "{count} areas", figures["areas"]),
        "agencies": ngettext("{count} agency", "{count} agencies", figures["agencies"]),
    }
    said_counts = {key: text.format(count=figures[key]) for key, text in counted.items()}
    if output is None:
        parts = [_("imported {tasks}, {areas} and {agencies}").format(**said_counts)]
    else:
        line = _("wrote {tasks}, {areas} and {agencies} to {path}")
        parts = [line.format(path=output, **said_counts)]
    kinds = {kind.value: count for kind, count in imported.kinds.items()}
    said = [
        _(msgid).format(count=kinds[kind]) for kind, msgid in _KINDS_SAID.items() if kinds.get(kind)
    ]
    if said:
        parts.append(_("agencies by kind: {kinds}").format(kinds=", ".join(said)))
    if imported.ongoing:
        parts.append(
            ngettext("{count} task ongoing", "{count} tasks ongoing", imported.ongoing).format(
                count=imported.ongoing
            )
        )
    if imported.warnings:
        count = len(imported.warnings)
        parts.append(ngettext("{count} warning", "{count} warnings", count).format(count=count))
    parts += [str(localized(note)) for note in imported.notes]
    return _("; ").join(parts)


def _columns(given: list[str]) -> dict[str, str]:
    """``--column HEADER=FIELD`` options → header (spaces removed) → field."""
    import re

    from szbiz.importer.table import CHOICES

    out: dict[str, str] = {}
    for value in given:
        header, sep, wanted = value.rpartition("=")
        header = re.sub(r"\s+", "", header)
        wanted = wanted.strip().lower()
        if not sep or not header or wanted not in CHOICES:
            raise UsageError(
                _("--column {value!r}: expected HEADER=FIELD, FIELD one of {fields}").format(
                    value=value, fields=", ".join(CHOICES)
                )
            )
        out[header] = wanted
    return out


def _ledger_in_use() -> tuple[tuple[str, Path], ...]:
    """The ledger in use, which ``import -o`` must not replace; none when settings are broken
    (import itself does not need them). The list in use it may replace: that is what
    ``szbiz import SOURCE -o data/tasks.yaml`` is for."""
    from szbiz.settings import resolve

    try:
        return ((_("the progress ledger in use"), resolve().ledger),)
    except SzbizError:
        return ()


LintFormat = Literal["text", "json", "github", "auto"]


@app.command()
def lint(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help=N_("Task lists to check; default the list in use."),
            readable=False,  # the loader says what is wrong with a file it cannot read
        ),
    ] = None,
    fmt: Annotated[
        LintFormat,
        typer.Option(
            "--format",
            "-f",
            help=N_(
                "text: file:line:col: level: message [rule]; json; github: workflow "
                "commands; auto: github under GITHUB_ACTIONS, else text."
            ),
        ),
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help=N_("Fail on warnings too."))] = False,
    require_ref: Annotated[
        bool,
        typer.Option("--require-ref", help=N_("In the ledger, a done without --ref is an error.")),
    ] = False,
    list_key: ListOption = None,
    tasks: TasksOption = None,
    progress: ProgressOption = None,
) -> None:
    """Check task lists, and the progress ledger against its list.

    Every problem, with file, line and column. With no FILE: the list in use,
    and the ledger in use if it exists; --progress names a ledger to check.
    Exit codes: 0 clean (warnings allowed unless --strict), 1 problems found,
    2 usage (a file that is missing or cannot be read, a bad option).
    """
    from szbiz import cache
    from szbiz.ledger import check_ledger
    from szbiz.load import check
    from szbiz.render.problems import PROBLEM_FORMATS
    from szbiz.settings import resolve

    in_use = resolve(None, tasks, list_option=list_key)
    paths = files or [in_use.tasks]
    ledger = progress
    if ledger is None and not files and in_use.ledger.is_file():
        ledger = in_use.ledger
    elif ledger is not None:
        from szbiz.files import not_regular, what_is

        odd = what_is(ledger)
        if odd is not None:
            raise UsageError(f"{ledger}: {not_regular(odd, _('a ledger'))}")
        if not ledger.is_file():
            raise UsageError(_("{path}: no such file").format(path=ledger))
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    found: list[Problem] = []
    unreadable = False
    for path in paths:
        problems = check(path)
        if problems and all(p.rule == "io" for p in problems):
            unreadable = True
            for p in problems:
                say(f"{_('error')}: {p.shown()}")
        else:
            found += problems
    if ledger is not None:
        # Against the first list (from the cache: it was just checked); if that one
        # is broken, its own problems are reported already.
        with contextlib.suppress(LoadError):
            problems = check_ledger(ledger, cache.tasks(paths[0]), require_ref)
            if problems and all(p.rule == "io" for p in problems):  # as for a list
                unreadable = True
                for p in problems:
                    say(f"{_('error')}: {p.shown()}")
            else:
                found += problems
    out = PROBLEM_FORMATS[fmt](found)
    if out or fmt == "json":
        write(out)
    if unreadable:
        raise typer.Exit(int(ExitCode.USAGE))
    if any(p.level == "error" or strict for p in found):
        raise typer.Exit(int(ExitCode.PROBLEMS))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the task list file (data/tasks.schema.json)."""
    import json

    from szbiz.schema import json_schema

    write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
