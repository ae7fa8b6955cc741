"""Commands on the list itself: import, lint, schema."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Annotated, Literal

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
from szbiz.errors import ExitCode, LoadError, Problem, SzbizError, UsageError
from szbiz.i18n import N_, _


@app.command("import")
def import_(
    source: Annotated[
        Path,
        typer.Argument(help=N_("The table text: tab-separated rows, as extracted from the PDF.")),
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
    issuer: Annotated[str, typer.Option(help=N_("Who issued the document."))] = "深圳市人民政府",
) -> None:
    """Turn the source table into the canonical YAML list.

    data/tasks.yaml is exactly the output of
    `szbiz import data/source/shenzhen-2020-tasks.txt -o data/tasks.yaml`.
    Every row that cannot be read is reported with its line number and
    nothing is written. Exit codes: 0 written, 1 unreadable rows, 2 usage.
    """
    from szbiz.dump import dump_tasklist
    from szbiz.files import not_regular, what_is
    from szbiz.importer import read_source
    from szbiz.render.problems import level

    odd = what_is(source)
    if odd is not None:
        raise UsageError(f"{source}: {not_regular(odd, _('the table text'))}")
    if not source.is_file():
        raise UsageError(_("{path}: no such file").format(path=source))
    if output is not None:
        check_output(output, ((_("the source being imported"), source), *_ledger_in_use()))
    try:
        tasks = read_source(source, issuer)
    except LoadError as exc:  # every row that cannot be read, a line each
        for problem in exc.problems:
            say(f"{level(problem.level)}: {problem.shown()}")
        raise typer.Exit(int(ExitCode.PROBLEMS)) from None
    text = dump_tasklist(tasks)
    if output is None:
        write(text)
        return
    write_file(output, text.encode("utf-8"))
    say(
        _("wrote {tasks} tasks, {areas} areas and {agencies} agencies to {path}").format(
            tasks=len(tasks.tasks),
            areas=len(tasks.areas),
            agencies=len(tasks.agencies),
            path=output,
        )
    )


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
