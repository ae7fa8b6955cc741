"""Marking progress: done, start, block, drop, reopen, note, extend, undo; log; init and where."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from szbiz.cli.context import Scope, Session, resolve_agencies
from szbiz.cli.options import Output, complete_agency, option_groups, when_completing
from szbiz.cli.root import ListOption, ProgressOption, TasksOption, app, say, write
from szbiz.errors import UsageError
from szbiz.i18n import N_, _, lang, ngettext
from szbiz.model import Kind, Status
from szbiz.query import date_value, events_between, parse_id, parse_ids

if TYPE_CHECKING:
    from szbiz.ledger import Outcome, Recorded
    from szbiz.model import Event

IdsArgument = Annotated[
    list[str],
    typer.Argument(
        metavar=N_("ID..."),
        help=N_("Task ids (序号) and ranges, e.g. 5-9,12; recorded together or not at all."),
    ),
]
OnOption = Annotated[
    str | None,
    typer.Option("--on", help=N_("The day it happened (default: the as-of day, i.e. today).")),
]
NoteOption = Annotated[str | None, typer.Option("--note", "-m", help=N_("A note."))]
RefOption = Annotated[
    str | None,
    typer.Option(
        "--ref", help=N_("Evidence: a document number such as 深府办〔2020〕18号, or a URL.")
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by", help=N_("Who records it (default: SZBIZ_USER, git's user.name, the login name).")
    ),
]
PartOption = Annotated[
    str | None,
    typer.Option(
        "--agency",
        "-a",
        autocompletion=when_completing(complete_agency),
        help=N_(
            "Record this agency's part of the task (an agency it names as lead or support): "
            "name, alias, part of the name (税务) or pinyin code (swj)."
        ),
    ),
]


def _day(on: str | None, session: Session) -> dt.date:
    """The day of an event: --on, else the as-of day; never after today, nor before the
    first day progress is recorded on."""
    from szbiz.dates import FIRST_EVENT, today

    day = date_value(on, session.as_of, "--on") if on is not None else session.as_of
    text = day.isoformat()
    what = "--on" if on is not None else "--as-of"
    # Not after the as-of day, nor after today itself: the ledger records what happened.
    for limit in (session.as_of, today()):
        if day > limit:
            raise UsageError(
                _(
                    "{option} {day} is after today ({today}); "
                    "record progress on or after the day it happens"
                ).format(option=what, day=text, today=limit.isoformat())
            )
    if day < FIRST_EVENT:  # as szbiz lint would reject it in the ledger
        raise UsageError(
            _(
                "{option} {day} is before {first}, the first day progress is "
                "recorded on; give the day it happened"
            ).format(option=what, day=text, first=FIRST_EVENT.isoformat())
        )
    return day


def _part(session: Session, name: str | None) -> str:
    """The canonical name of the agency --agency names (the ledger checks that each task
    names it as lead or support); "" without --agency: the task's own status."""
    if name is None:
        return ""
    (agency,) = resolve_agencies(session, [name], one=True)
    return agency


def _who(outcome: Outcome, agency: str) -> str:
    """``task 42``, or ``task 42 · 市税务局`` for an agency's part."""
    task = _("task {id}").format(id=outcome.task)
    return f"{task} · {agency}" if agency else task


def _told(text: str) -> None:
    """A line of what was recorded, on stdout; an agency's name in it is shown safely."""
    from szbiz.render.safe import terminal

    write(terminal(text) + "\n")


def _recorded(done: Recorded, ledger: Path) -> None:
    count = len(done.events)
    if count:
        say(
            ngettext(
                "recorded {count} event in {path}", "recorded {count} events in {path}", count
            ).format(count=count, path=_shown(ledger))
        )


@dataclass
class Mark:
    """What a marking command is given: the tasks, and the day, note, evidence and recorder."""

    ids: IdsArgument
    on: OnOption = None
    note: NoteOption = None
    ref: RefOption = None
    by: ByOption = None

    def record(self, status: Status, session: Session, agency: str | None = None) -> None:
        """Record one event per task that changes, all of them or none, and say what happened."""
        from szbiz.ledger import record
        from szbiz.settings import who

        numbers = parse_ids(",".join(self.ids), session.tasks.ids)
        part = _part(session, agency)
        day = _day(self.on, session)
        on = day.isoformat()
        ledger = session.settings.ledger_for_writing()
        note, ref = self.note or "", self.ref or ""
        tasks = session.tasks
        done = record(
            ledger,
            numbers,
            status,
            day,
            who(self.by),
            note,
            ref,
            agency=part,
            tasks=tasks,
            as_of=session.as_of,
        )
        now = status_text(status)
        for outcome in done.outcomes:
            since = outcome.since.isoformat() if outcome.since else ""
            whom = _who(outcome, part)
            if outcome.event is None:
                if since:
                    text = _("{who} is already {status} (since {day}); nothing to record")
                else:
                    text = _("{who} is already {status}; nothing to record")
                say(text.format(who=whom, status=now, day=since))
            elif outcome.before is status:
                if since:
                    text = (
                        _("{who}: evidence added ({status} since {day})")
                        if ref
                        else _("{who}: note added ({status} since {day})")
                    )
                else:
                    text = (
                        _("{who}: evidence added ({status})")
                        if ref
                        else _("{who}: note added ({status})")
                    )
                _told(text.format(who=whom, status=now, day=since))
            else:
                before = status_text(outcome.before or Status.TODO)
                _told(
                    _("{who}: {before} → {status} on {day}").format(
                        who=whom, before=before, status=now, day=on
                    )
                )
        _recorded(done, ledger)


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to the working directory if inside it."""
    here = Path.cwd()
    # At the root, a relative path would only lose its slash.
    if here.parent != here and path.is_relative_to(here):
        return str(path.relative_to(here))
    return str(path)


def status_text(status: Status) -> str:
    """A status as a person reads it: its code in English (``done``), its label in Chinese."""
    if lang() == "en":  # without the renderers' import
        return status.value
    from szbiz.render.views import status_label

    return status_label(status.value)


# The five commands that mark progress differ only in the status they record; the first
# three may record one agency's part of a task.
MARKS = (
    (
        "done",
        Status.DONE,
        N_("Mark tasks done. Writes only the progress ledger, never the task list."),
    ),
    ("start", Status.DOING, N_("Mark tasks as being worked on (doing).")),
    ("block", Status.BLOCKED, N_("Mark tasks blocked; --note says why.")),
    ("drop", Status.DROPPED, N_("Mark tasks dropped; --note says why.")),
    ("reopen", Status.TODO, N_("Put tasks back to todo.")),
)
PARTS = (Status.DONE, Status.DOING, Status.BLOCKED)


def _mark_command(name: str, status: Status, summary: str) -> None:
    if status in PARTS:

        def command(mark: Mark, scope: Scope, agency: PartOption = None) -> None:
            mark.record(status, scope.open(), agency)

    else:

        def command(mark: Mark, scope: Scope) -> None:  # type: ignore[misc]
            mark.record(status, scope.open())

    command.__name__ = command.__qualname__ = name
    app.command(name, help=summary)(option_groups(command))


for _name, _status, _summary in MARKS:
    _mark_command(_name, _status, _summary)


_IDS = re.compile(r"\s*\d+(?:\s*[-–~]\s*\d+)?\s*(?:[,，]\s*\d+(?:\s*[-–~]\s*\d+)?\s*)*")


@app.command()
@option_groups
def note(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar=N_("ID..."),
            help=N_("Task ids (序号) and ranges, e.g. 5-9,12; recorded together or not at all."),
            show_default=False,
        ),
    ] = None,
    text: Annotated[
        str | None, typer.Argument(metavar=N_("TEXT"), help=N_("The progress note (进展情况)."))
    ] = None,
    ref: RefOption = None,
    on: OnOption = None,
    by: ByOption = None,
    agency: PartOption = None,
    *,
    scope: Scope,
) -> None:
    """Record a dated progress note (进展情况) that changes no status."""
    from szbiz.ledger import add_notes
    from szbiz.settings import who

    if text is None:
        raise UsageError(_("szbiz note needs ID... TEXT: the tasks, then the note's text"))
    if not ids:  # one argument: the ids, or the text, but not both
        raise UsageError(_("the note's text is missing: szbiz note {ids} TEXT").format(ids=text))
    if _IDS.fullmatch(text):  # `szbiz note 42 43 44`: the last id taken for the text
        given = " ".join([*ids, text])
        raise UsageError(
            _(
                "the note {text!r} reads as a task id; give the note's text last: "
                "szbiz note {given} TEXT"
            ).format(text=text, given=given)
        )
    session = scope.open()
    numbers = parse_ids(",".join(ids), session.tasks.ids)
    part = _part(session, agency)
    day = _day(on, session)
    ledger = session.settings.ledger_for_writing()
    done = add_notes(
        ledger,
        numbers,
        text,
        day,
        who(by),
        ref or "",
        agency=part,
        tasks=session.tasks,
        as_of=session.as_of,
    )
    for outcome in done.outcomes:
        if outcome.event is None:
            say(_("{who} already has this note; nothing to record").format(who=_who(outcome, part)))
        else:
            _told(
                _("{who}: note added on {day}").format(who=_who(outcome, part), day=day.isoformat())
            )
    _recorded(done, ledger)


@app.command()
@option_groups
def extend(
    ids: IdsArgument,
    to: Annotated[
        str, typer.Option("--to", help=N_("The new deadline (延期至), e.g. 2020-09-30."))
    ],
    ref: Annotated[
        str | None,
        typer.Option(
            "--ref", help=N_("The approval: a document number such as 深府办函〔2020〕5号.")
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-m", help=N_("Why, when there is no document."))
    ] = None,
    on: OnOption = None,
    by: ByOption = None,
    *,
    scope: Scope,
) -> None:
    """Extend tasks' deadline (延期): from --on, the deadline in force is --to.

    The document's deadline is kept and shown beside it. Needs --ref or --note.
    """
    from szbiz.ledger import extend as extend_deadline
    from szbiz.settings import who

    session = scope.open()
    numbers = parse_ids(",".join(ids), session.tasks.ids)
    new = date_value(to, session.as_of, "--to")
    day = _day(on, session)
    if not (ref or "").strip() and not (note or "").strip():
        raise UsageError(_("szbiz extend needs --ref (the approval) or --note saying why"))
    ledger = session.settings.ledger_for_writing()
    done = extend_deadline(
        ledger,
        numbers,
        new,
        day,
        who(by),
        note or "",
        ref or "",
        tasks=session.tasks,
        as_of=session.as_of,
    )
    for outcome in done.outcomes:
        if outcome.event is None:
            say(
                _("task {id}: the deadline is already {day}; nothing to record").format(
                    id=outcome.task, day=new
                )
            )
            continue
        if outcome.was is not None:
            text = _("task {id}: deadline extended to {to} (was {was}) from {day}")
        else:
            text = _("task {id}: deadline extended to {to} from {day}")
        _told(text.format(id=outcome.task, to=new, was=outcome.was, day=day))
    _recorded(done, ledger)


def _described(event: Event) -> str:
    """``2020-05-20 done by 张三``, ``2020-06-15 extend to 2020-09-30 by 张三``."""

    from szbiz.render.views import event_what

    part = f" ({event.agency})" if event.agency else ""
    return _("{day} {what}{part} by {who}").format(
        day=event.on.isoformat(), what=event_what(event), part=part, who=event.by
    )


@app.command()
@option_groups
def undo(
    task_id: Annotated[str, typer.Argument(metavar=N_("ID"), help=N_("The task's 序号."))],
    note: Annotated[
        str | None, typer.Option("--note", "-m", help=N_("Why it is withdrawn."))
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help=N_("The day of the retraction (default: the as-of day).")),
    ] = None,
    by: ByOption = None,
    *,
    scope: Scope,
) -> None:
    """Withdraw the task's latest event that still stands; again, the one before it.

    Appends a retraction naming it: the task is then as if it had never happened,
    and show and log still show both.
    """
    from szbiz.ledger import undo as withdraw
    from szbiz.settings import who

    session = scope.open()
    number = parse_id(task_id, session.tasks.ids)
    day = _day(on, session)
    ledger = session.settings.ledger_for_writing()
    done = withdraw(ledger, number, day, who(by), note or "", tasks=session.tasks)
    for outcome in done.outcomes:
        gone = outcome.withdrawn
        if gone is not None and outcome.event is not None:
            _told(
                _("task {id}: withdrew {event} ({what})").format(
                    id=outcome.task, event=outcome.event.undo[:8], what=_described(gone)
                )
            )
    _recorded(done, ledger)


@app.command()
@option_groups
def log(
    task_id: Annotated[
        str | None, typer.Argument(metavar=N_("[ID]"), help=N_("Only this task."))
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help=N_("Only events on or after this day."))
    ] = None,
    *,
    out: Output,
    scope: Scope,
) -> None:
    """The progress history, oldest first: status changes, notes, extensions and retractions,
    each with its id; the withdrawn ones marked."""
    from szbiz.render.views import events_sheet

    session = scope.open()
    wanted = parse_id(task_id, session.tasks.ids) if task_id is not None else None
    first = date_value(since, session.as_of, "--since") if since is not None else None
    history, day = session.history, session.as_of
    events = events_between(history, wanted, first, day)
    # Withdrawn as of the day: named by a retraction recorded by then (before --since, too).
    withdrawn = {e.undo for e in history.events if e.kind is Kind.UNDO and e.on <= day}
    out.emit(events_sheet(events, session.tasks, withdrawn), empty=N_("no progress recorded"))


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help=N_("The team repository to set up."), show_default=False)
    ] = Path("."),
) -> None:
    """Set up a team repository: szbiz.toml, an empty ledger, and merge=union for it.

    Two branches that both record progress then merge without conflict.
    """
    from szbiz.init import init_project

    if not directory.is_dir():
        raise UsageError(_("{path} is not a directory").format(path=directory))
    for path in init_project(directory):
        write(_("wrote {path}").format(path=path) + "\n")


@app.command()
def where(
    list_key: ListOption = None, tasks: TasksOption = None, progress: ProgressOption = None
) -> None:
    """Which list, task list and progress ledger are in use, and why; and the cache."""
    import os

    from szbiz import cache
    from szbiz.render.safe import terminal
    from szbiz.settings import resolve

    chosen = resolve(progress, tasks, list_option=list_key)
    state = _("exists") if chosen.ledger.is_file() else _("not created yet")
    cache_dir, cache_state = cache.state()
    named = "SZBIZ_CACHE_DIR" if os.environ.get("SZBIZ_CACHE_DIR") else _("per-user default")
    lines: tuple[str, ...] = ()
    if chosen.list_key:  # szbiz.toml names lists by key: which one, and the others
        if chosen.other_lists:
            text = _("list      {key}  ({why}; also {others})")
        else:
            text = _("list      {key}  ({why})")
        others = ", ".join(chosen.other_lists)
        lines = (text.format(key=chosen.list_key, why=chosen.list_reason, others=others),)
    lines += (
        _("tasks     {path}  ({why})").format(path=chosen.tasks, why=chosen.tasks_reason),
        _("progress  {path}  ({why}; {state})").format(
            path=chosen.ledger, why=chosen.ledger_reason, state=state
        ),
        _("cache     {path}  ({why}; {state})").format(
            path=cache_dir, why=named, state=cache_state
        ),
    )
    write("".join(terminal(line) + "\n" for line in lines))
