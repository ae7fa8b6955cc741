"""Marking progress: done, start, block, drop, reopen; log; init and where."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from szbiz.cli.context import open_session, task_ids
from szbiz.cli.core import ProgressOption, TasksOption, app, say, settings, write
from szbiz.cli.options import AsOfOption, FormatOption, JsonOption, date_value, emit_sheet
from szbiz.errors import UsageError
from szbiz.model import Event, History, Status

IdsArgument = Annotated[
    list[str],
    typer.Argument(metavar="ID...", help="Task ids (序号); recorded together or not at all."),
]
OnOption = Annotated[
    str | None,
    typer.Option(
        "--on", help="The day it happened (default: the as-of day, i.e. today).", show_default=False
    ),
]
NoteOption = Annotated[str | None, typer.Option("--note", "-m", help="A note.", show_default=False)]
RefOption = Annotated[
    str | None,
    typer.Option(
        "--ref",
        help="Evidence: a document number such as 深府办〔2020〕18号, or a URL.",
        show_default=False,
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who records it (default: SZBIZ_USER, git's user.name, the login name).",
        show_default=False,
    ),
]


def _record(
    status: Status,
    ids: list[str],
    on: str | None,
    note: str | None,
    ref: str | None,
    by: str | None,
    as_of: str | None,
    tasks: Path | None,
    progress: Path | None,
) -> None:
    """Append one event per task that changes; all of them or none."""
    from szbiz.dates import today as real_today
    from szbiz.progress import append_events, new_event, who
    from szbiz.query import plan

    if status in (Status.BLOCKED, Status.DROPPED) and not (note and note.strip()):
        verb = "block" if status is Status.BLOCKED else "drop"
        raise UsageError(f"szbiz {verb} needs --note saying why")
    session = open_session(tasks, as_of, progress)
    numbers = task_ids(ids, session)
    day = date_value(on, session.as_of) if on else session.as_of
    # Not after the as-of day, nor after today itself: the ledger records what happened.
    for limit in (session.as_of, real_today()):
        if day > limit:
            what = f"--on {day.isoformat()}" if on else f"--as-of {day.isoformat()}"
            raise UsageError(
                f"{what} is after today ({limit.isoformat()}); "
                "record progress on or after the day it happens"
            )
    note_text, ref_text = (note or "").strip(), (ref or "").strip()
    change, unchanged = plan(session.history, numbers, status, day, note_text, ref_text)
    if not change:
        for number in unchanged:
            say(f"task {number} is already {status.value} on {day.isoformat()}; nothing to record")
        return
    recorder = who(by)
    basis = session.history  # the ledger the events are planned on

    def events_for(history: History) -> list[Event]:
        nonlocal basis
        basis = history
        wanted, _ = plan(history, numbers, status, day, note_text, ref_text)
        return [
            new_event(number, status, day, recorder, note=note_text, ref=ref_text)
            for number in wanted
        ]

    ledger = settings(tasks, progress).ledger_for_writing()
    from szbiz.cache import known_ledger, learn_append, read_here

    # A ledger whose exact bytes were validated before need not be parsed again
    # under the lock; the cache then learns the new ledger for the next command.
    # Should another szbiz have written meanwhile, the events are planned again
    # from the ledger as it is, and what is said below follows that ledger.
    appended = append_events(
        ledger,
        events_for(session.history),
        trusted=known_ledger,
        planned_on=read_here,
        replan=events_for,
    )
    learn_append(appended)
    events = appended.events if appended is not None else ()
    written = {e.task for e in events}
    for number in numbers:
        if number not in written:
            news = "" if number in unchanged else ": another szbiz recorded it just now"
            say(
                f"task {number} is already {status.value} on {day.isoformat()}{news}; "
                "nothing to record"
            )
    for event in events:
        before = basis.status(event.task, day)
        if before is status:
            write(f"task {event.task}: {status.value}, evidence added on {day.isoformat()}\n")
        else:
            write(f"task {event.task}: {before.value} → {status.value} on {day.isoformat()}\n")
    if events:
        say(f"recorded {len(events)} event{'s' if len(events) != 1 else ''} in {_shown(ledger)}")


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to the working directory if inside it."""
    here = Path.cwd()
    if here.parent == here:  # at the root, a relative path would only lose its slash
        return str(path)
    try:
        return str(path.relative_to(here))
    except ValueError:
        return str(path)


# The five commands that mark progress differ only in the status they record.
MARKS = (
    ("done", Status.DONE, "Mark tasks done. Writes only the progress ledger, never the task list."),
    ("start", Status.DOING, "Mark tasks as being worked on (doing)."),
    ("block", Status.BLOCKED, "Mark tasks blocked; --note says why."),
    ("drop", Status.DROPPED, "Mark tasks dropped; --note says why."),
    ("reopen", Status.TODO, "Put tasks back to todo."),
)


def _mark_command(name: str, status: Status, summary: str) -> None:
    def command(
        ids: IdsArgument,
        on: OnOption = None,
        note: NoteOption = None,
        ref: RefOption = None,
        by: ByOption = None,
        as_of: AsOfOption = None,
        tasks: TasksOption = None,
        progress: ProgressOption = None,
    ) -> None:
        _record(status, ids, on, note, ref, by, as_of, tasks, progress)

    command.__name__ = command.__qualname__ = name
    command.__doc__ = summary
    app.command(name)(command)


for _name, _status, _summary in MARKS:
    _mark_command(_name, _status, _summary)


@app.command()
def log(
    task_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only this task.", show_default=False)
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only events on or after this day.", show_default=False),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    tasks: TasksOption = None,
    progress: ProgressOption = None,
) -> None:
    """The progress history, oldest first."""
    from szbiz.query import events_between
    from szbiz.render.views import events_sheet

    session = open_session(tasks, as_of, progress)
    wanted = task_ids([task_id], session)[0] if task_id is not None else None
    first = date_value(since, session.as_of) if since else None
    events = events_between(session.history, wanted, first, session.as_of)
    emit_sheet(events_sheet(events, session.tasks), fmt, as_json, empty="no progress recorded")


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="The team repository to set up.", show_default=False)
    ] = Path("."),
) -> None:
    """Set up a team repository: szbiz.toml, an empty ledger, and merge=union for it.

    Two branches that both record progress then merge without conflict.
    """
    from szbiz.config import init_project

    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory")
    for path in init_project(directory):
        write(f"wrote {path}\n")


@app.command()
def where(
    tasks: TasksOption = None,
    progress: ProgressOption = None,
) -> None:
    """Which task list and progress ledger are in use, and why."""
    from szbiz.paths import bundled_tasks

    chosen = settings(tasks, progress)
    list_path = chosen.tasks or bundled_tasks()
    ledger = chosen.ledger
    state = "exists" if ledger.is_file() else "not created yet"
    write(
        f"tasks     {list_path}  ({chosen.tasks_reason})\n"
        f"progress  {ledger}  ({chosen.ledger_reason}; {state})\n"
    )
