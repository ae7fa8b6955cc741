"""Collecting returned forms: ``szbiz collect FILE…``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from szbiz.cli.context import Scope, Session
from szbiz.cli.errors import exit_code
from szbiz.cli.options import option_groups, style
from szbiz.cli.root import app, say, write
from szbiz.errors import ExitCode, SzbizError
from szbiz.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from szbiz.collect import Returned, Step


@app.command()
@option_groups
def collect(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar=N_("FILE..."),
            readable=False,  # szbiz says what is wrong with a file it cannot read (exit 1)
            help=N_("Returned forms: .xlsx as szbiz sheet -o wrote them, or their sheet as .csv."),
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=N_("Record without asking."))] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=N_("Print the plan as JSON and record nothing.")),
    ] = False,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help=N_("Who records it (default: the agency that returned the form).")
        ),
    ] = None,
    *,
    scope: Scope,
) -> None:
    """Read returned fill-in forms and record the progress they report.

    Each file is matched with its task list and agency and checked whole: one
    thing wrong (a changed 序号, a task not the agency's, an unknown status, a date
    after the form's day, a form of another list, a formula) names its cell and
    records nothing of that file. Shows the plan, then records it with --yes, or
    after asking on a terminal; in a pipe without --yes it records nothing (exit 1).
    Exit codes: 0 recorded (or nothing new), 1 a file refused or nothing recorded
    for want of --yes, 2 usage.
    """
    from szbiz.collect import FormError, list_identity, plan, read_return
    from szbiz.dates import today
    from szbiz.settings import who

    session = scope.open()
    identity = list_identity(session.settings.tasks)
    day = min(session.as_of, today())
    refused = 0
    plans: list[tuple[Returned, str, tuple[Step, ...]]] = []
    for path in files:
        try:
            returned = read_return(path, session.tasks, identity)
            if returned.as_of > day:
                # Its blank 完成日期 would be a day before the form was made.
                said = "--as-of" if scope.as_of is not None and day == session.as_of else "today"
                raise FormError(
                    f"{path}: the form is as of {returned.as_of.isoformat()}, after {said} "
                    f"{day.isoformat()}; collect it as of that day or later"
                )
            recorder = who(by) if by is not None else returned.agency
            steps = plan(returned, session.tasks, session.history, recorder, day)
        except FormError as exc:
            exit_code(exc)  # one line on stderr; the other files go on
            refused += 1
            continue
        plans.append((returned, recorder, steps))

    if dry_run:
        write(_json(plans))
        _finish(refused)
        return
    for returned, _recorder, steps in plans:
        if steps:
            write(_table(returned, steps))
        else:
            say(_("nothing new in {path}").format(path=returned.path))
    count = sum(len(steps) for *_head, steps in plans)
    if count and not _confirmed(yes, count):
        _finish(refused)
        return
    if count:
        refused += _record(session, plans)
    _finish(refused)


def _confirmed(yes: bool, count: int) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise SzbizError(
            ngettext(
                "nothing recorded: {count} event planned, and no terminal to confirm on; "
                "run again with --yes to record them (--dry-run prints the plan as JSON)",
                "nothing recorded: {count} events planned, and no terminal to confirm on; "
                "run again with --yes to record them (--dry-run prints the plan as JSON)",
                count,
            ).format(count=count)
        )
    question = ngettext("record {count} event?", "record {count} events?", count)
    if typer.confirm(question.format(count=count), default=False, err=True):
        return True
    say(_("nothing recorded"))
    return False


def _record(session: Session, plans: list[tuple[Returned, str, tuple[Step, ...]]]) -> int:
    """Record each file's plan, all of it or none; the number of files refused meanwhile."""
    from szbiz.collect import FormError, record
    from szbiz.dates import today

    ledger = session.settings.ledger_for_writing()
    day = min(session.as_of, today())
    refused = 0
    for returned, recorder, steps in plans:
        if not steps:
            continue
        try:
            made = record(ledger, returned, session.tasks, recorder, day)
        except FormError as exc:
            exit_code(exc)
            refused += 1
            continue
        count = len(made)
        if count:
            say(
                ngettext(
                    "recorded {count} event from {path} in {ledger}",
                    "recorded {count} events from {path} in {ledger}",
                    count,
                ).format(count=count, path=returned.path, ledger=_shown(ledger))
            )
        else:
            say(_("nothing new in {path}: recorded meanwhile").format(path=returned.path))
    return refused


def _shown(path: Path) -> str:
    """A path relative to the working directory when inside it, as ``szbiz done`` says it."""
    here = Path.cwd()
    if here.parent != here and path.is_relative_to(here):
        return str(path.relative_to(here))
    return str(path)


def _finish(refused: int) -> None:
    if refused:
        raise typer.Exit(int(ExitCode.PROBLEMS))


def _table(returned: Returned, steps: tuple[Step, ...]) -> str:
    from szbiz.collect import LABELS
    from szbiz.render.sheet import Column, Sheet, table

    columns = (
        Column("task", "序号", justify="right"),
        Column("change", "状态"),
        Column("on", "日期"),
        Column("note", "进展情况", flexible=True),
        Column("ref", "依据"),
    )
    rows = tuple(
        {
            "task": step.event.task,
            "change": (
                f"{LABELS[step.before]} → {LABELS[step.after]}"
                if step.event.status is not None
                else "进展"
            ),
            "on": step.event.on,
            "note": step.event.note,
            "ref": step.event.ref,
        }
        for step in steps
    )
    from szbiz.render.safe import terminal

    heading = terminal(
        f"{returned.path} · {returned.agency} · 截至 {returned.as_of.isoformat()} · {len(steps)} 项"
    )
    return heading + "\n" + table(Sheet(columns, rows), style())


def _json(plans: list[tuple[Returned, str, tuple[Step, ...]]]) -> str:
    from szbiz.render.safe import json as safe_json

    data: list[dict[str, Any]] = [
        {
            "file": str(returned.path),
            "agency": returned.agency,
            "as_of": returned.as_of.isoformat(),
            "by": recorder,
            "events": [
                {
                    "task": step.event.task,
                    "kind": step.event.kind.value,
                    "agency": step.event.agency,
                    "before": step.before.value,
                    "after": step.after.value,
                    "on": step.event.on.isoformat(),
                    "note": step.event.note,
                    "ref": step.event.ref,
                    "cell": step.answer.where,
                }
                for step in steps
            ],
        }
        for returned, recorder, steps in plans
    ]
    return safe_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
