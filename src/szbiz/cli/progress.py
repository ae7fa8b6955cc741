"""Marking progress: done, start, block, drop, reopen; log; init and where."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from szbiz.cli.context import Scope, Session
from szbiz.cli.options import Output, option_groups
from szbiz.cli.root import ProgressOption, TasksOption, app, say, write
from szbiz.errors import UsageError
from szbiz.model import Status
from szbiz.query import date_value, events_between, parse_id, parse_ids


@dataclass
class Mark:
    """What a marking command is given: the tasks, and the day, note, evidence and recorder."""

    ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...",
            help="Task ids (序号) and ranges, e.g. 5-9,12; recorded together or not at all.",
        ),
    ]
    on: Annotated[
        str | None,
        typer.Option("--on", help="The day it happened (default: the as-of day, i.e. today)."),
    ] = None
    note: Annotated[str | None, typer.Option("--note", "-m", help="A note.")] = None
    ref: Annotated[
        str | None,
        typer.Option(
            "--ref", help="Evidence: a document number such as 深府办〔2020〕18号, or a URL."
        ),
    ] = None
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="Who records it (default: SZBIZ_USER, git's user.name, the login name)."
        ),
    ] = None

    def record(self, status: Status, session: Session) -> None:
        """Record one event per task that changes, all of them or none, and say what happened."""
        from szbiz.dates import FIRST_EVENT, today
        from szbiz.ledger import record
        from szbiz.settings import who

        numbers = parse_ids(",".join(self.ids), session.tasks.ids)
        day = date_value(self.on, session.as_of, "--on") if self.on is not None else session.as_of
        on = day.isoformat()
        what = "--on" if self.on is not None else "--as-of"
        # Not after the as-of day, nor after today itself: the ledger records what happened.
        for limit in (session.as_of, today()):
            if day > limit:
                raise UsageError(
                    f"{what} {on} is after today ({limit.isoformat()}); "
                    "record progress on or after the day it happens"
                )
        if day < FIRST_EVENT:  # as szbiz lint would reject it in the ledger
            raise UsageError(
                f"{what} {on} is before {FIRST_EVENT.isoformat()}, the first day progress is "
                "recorded on; give the day it happened"
            )
        ledger = session.settings.ledger_for_writing()
        done = record(ledger, numbers, status, day, who(self.by), self.note or "", self.ref or "")
        for outcome in done.outcomes:
            if outcome.event is None:
                say(f"task {outcome.task} is already {status.value} on {on}; nothing to record")
            elif outcome.before is status:
                write(f"task {outcome.task}: {status.value}, evidence added on {on}\n")
            else:
                write(f"task {outcome.task}: {outcome.before.value} → {status.value} on {on}\n")
        count = len(done.events)
        if count:
            say(f"recorded {count} event{'s' if count != 1 else ''} in {_shown(ledger)}")


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to the working directory if inside it."""
    here = Path.cwd()
    # At the root, a relative path would only lose its slash.
    if here.parent != here and path.is_relative_to(here):
        return str(path.relative_to(here))
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
    def command(mark: Mark, scope: Scope) -> None:
        mark.record(status, scope.open())

    command.__name__ = command.__qualname__ = name
    app.command(name, help=summary)(option_groups(command))


for _name, _status, _summary in MARKS:
    _mark_command(_name, _status, _summary)


@app.command()
@option_groups
def log(
    task_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="Only this task.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only events on or after this day.")
    ] = None,
    *,
    out: Output,
    scope: Scope,
) -> None:
    """The progress history, oldest first."""
    from szbiz.render.views import events_sheet

    session = scope.open()
    wanted = parse_id(task_id, session.tasks.ids) if task_id is not None else None
    first = date_value(since, session.as_of, "--since") if since is not None else None
    events = events_between(session.history, wanted, first, session.as_of)
    out.emit(events_sheet(events, session.tasks), empty="no progress recorded")


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="The team repository to set up.", show_default=False)
    ] = Path("."),
) -> None:
    """Set up a team repository: szbiz.toml, an empty ledger, and merge=union for it.

    Two branches that both record progress then merge without conflict.
    """
    from szbiz.init import init_project

    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory")
    for path in init_project(directory):
        write(f"wrote {path}\n")


@app.command()
def where(tasks: TasksOption = None, progress: ProgressOption = None) -> None:
    """Which task list and progress ledger are in use, and why; and the cache."""
    import os

    from szbiz import cache
    from szbiz.render.safe import terminal
    from szbiz.settings import resolve

    chosen = resolve(progress, tasks)
    state = "exists" if chosen.ledger.is_file() else "not created yet"
    cache_dir, cache_state = cache.state()
    named = "SZBIZ_CACHE_DIR" if os.environ.get("SZBIZ_CACHE_DIR") else "per-user default"
    write(
        "".join(
            terminal(line) + "\n"
            for line in (
                f"tasks     {chosen.tasks}  ({chosen.tasks_reason})",
                f"progress  {chosen.ledger}  ({chosen.ledger_reason}; {state})",
                f"cache     {cache_dir}  ({named}; {cache_state})",
            )
        )
    )
