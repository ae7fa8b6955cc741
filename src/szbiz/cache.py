"""A cache of validated task lists and ledgers, keyed by their content.

Parsing and validating YAML is the slow part of every command over a long
list (about 13 s for 100,000 tasks); reading back what was validated before
takes a fraction of that. An entry is a file in the user's cache directory
(``settings.cache_dir``), named by a hash of the bytes it was made from and of
the szbiz and Python versions, so a changed list, a new szbiz or another Python
simply misses. It holds plain values in ``marshal`` format (no code runs when it
is read) behind a checksum of its own: an entry that is damaged, stale or
unreadable is ignored, removed and rebuilt. Entries exist only for bytes that
were validated, or written by szbiz after validating what it added. The cache
is private (0600 in a 0700 directory) and safe to delete at any time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from szbiz.model import (
    TASK_FIELDS,
    Agency,
    AgencyKind,
    Area,
    Document,
    Event,
    History,
    Status,
    Task,
    TaskList,
)

T = TypeVar("T")
FORMAT = 6  # bump when the model or this layout changes
KEEP = 8  # entries of each kind kept: the most recent few lists, and apart, ledgers
# A task is kept as the tuple of its fields, its deadline as a day number.
_FIELDS = tuple(f.name for f in TASK_FIELDS)
_DEADLINE = _FIELDS.index("deadline")


def _checksum(payload: bytes) -> bytes:
    import xxhash

    return xxhash.xxh3_128_digest(payload)


def _entry(kind: str, data: bytes) -> Path:
    """The entry for ``data``, named by a hash of them and of what else it depends on:
    this layout and the szbiz and Python versions."""
    import xxhash

    from szbiz import __version__
    from szbiz.settings import cache_dir

    digest = xxhash.xxh3_128(f"{FORMAT}:{__version__}:{sys.implementation.cache_tag}:".encode())
    digest.update(data)
    return cache_dir() / f"{kind}-{digest.hexdigest()}.marshal"


def _fetch(entry: Path, unpack: Callable[[Any], T]) -> T | None:
    """What an entry holds, unpacked; None when it is missing, damaged or unreadable.

    Unpacking makes many small objects and no garbage: the collector is paused.
    """
    try:
        blob = entry.read_bytes()
    except (OSError, ValueError):
        return None
    check, payload = blob[:16], blob[16:]
    if _checksum(payload) == check:
        with contextlib.suppress(Exception):
            from szbiz.memory import collector_paused

            with collector_paused():
                return unpack(marshal.loads(payload))
    with contextlib.suppress(OSError):  # damaged: make way for a good one
        entry.unlink()
    return None


def _store(entry: Path, value: Any) -> None:
    """Write the entry privately and atomically, then drop the oldest of its kind.

    A cache that cannot be written is not the user's problem: nothing is said.
    """
    from szbiz.atomic import atomic_write

    payload = marshal.dumps(value)
    with contextlib.suppress(OSError, ValueError):
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(entry, _checksum(payload) + payload, mode=0o600)
        kind = entry.name.split("-", 1)[0]
        old = sorted(
            entry.parent.glob(f"{kind}-*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for stale in old[KEEP:]:
            if stale != entry:
                stale.unlink()


# --- task lists ---------------------------------------------------------------------


def _pack_tasks(tasks: TaskList) -> tuple[Any, ...]:
    d = tasks.document
    # One object per agency name and per tuple of names, so that marshal writes
    # each once and refers back to it.
    shared: dict[Any, Any] = {}

    def one(value: Any) -> Any:
        if isinstance(value, tuple):
            value = tuple(map(one, value))
        return shared.setdefault(value, value) if isinstance(value, tuple | str) else value

    rows = []
    for task in tasks.tasks:
        row = [getattr(task, name) for name in _FIELDS]
        row[_DEADLINE] = task.deadline.toordinal()
        rows.append(tuple(v if isinstance(v, int) else one(v) for v in row))
    return (
        (d.title, d.issuer, d.year, d.source, d.principles),
        tuple((a.number, a.name) for a in tasks.areas),
        tuple((a.name, a.kind.value, a.aliases, a.code, a.alias_codes) for a in tasks.agencies),
        tuple(rows),
    )


def _unpack_tasks(value: Any) -> TaskList:
    document, areas, agencies, rows = value
    day, at = dt.date.fromordinal, _DEADLINE
    # Each row holds exactly the fields, in order.
    made = [Task(*row[:at], day(row[at]), *row[at + 1 :]) for row in rows]  # type: ignore[call-arg]
    return TaskList(
        Document(*document),
        tuple(Area(*a) for a in areas),
        tuple(Agency(n, AgencyKind(k), al, c, ac) for n, k, al, c, ac in agencies),
        tuple(made),
    )


def tasks(path: Path) -> TaskList:
    """The list at ``path``, read back from the cache when its content was validated before.

    The bytes hashed are the bytes parsed: a file saved again in between cannot
    leave one content's list under another's key. Problems with the list raise
    LoadError as ``szbiz.load.load`` does.
    """
    from szbiz.errors import SzbizError
    from szbiz.files import read_regular
    from szbiz.settings import MAX_BYTES

    try:
        data = read_regular(path, MAX_BYTES, "a YAML file")
    except (OSError, SzbizError):
        data = b""
    if not data:  # the loader says what is wrong with it
        from szbiz.load import load

        return load(path).tasks
    entry = _entry("tasks", data)
    cached = _fetch(entry, _unpack_tasks)
    if cached is not None:
        return cached
    from szbiz.errors import LoadError
    from szbiz.load import parse

    found, problems = parse(data, str(path))
    if found is None:
        raise LoadError(problems)
    _store(entry, _pack_tasks(found))
    return found


# --- ledgers ------------------------------------------------------------------------


def history(data: bytes, name: str) -> History:
    """The events of the ledger bytes ``data`` (read from ``name``), validated before or now.

    A corrupt ledger raises LoadError as ``szbiz.ledger.parse_ledger`` does, and
    is never cached.
    """
    entry = _entry("ledger", data)
    known = _fetch(entry, _unpack_history)
    if known is not None:
        return known
    from szbiz.ledger import parse_ledger

    found = parse_ledger(data, name)
    _store(entry, _pack_history(found))
    return found


def remember(data: bytes, known: History) -> None:
    """Record that the ledger bytes ``data`` hold ``known``: for bytes szbiz has just
    written after validating what it added, so that nothing parses them again."""
    _store(_entry("ledger", data), _pack_history(known))


def _pack_history(known: History) -> tuple[Any, ...]:
    return tuple(
        (
            e.task,
            e.status.value if e.status is not None else "",
            e.on.toordinal(),
            e.by,
            e.at.isoformat(),
            e.note,
            e.ref,
            e.agency,
            e.to.toordinal() if e.to is not None else 0,
            e.undo,
        )
        for e in known.events
    )


def _unpack_history(value: Any) -> History:
    statuses: dict[str, Status | None] = {s.value: s for s in Status}
    statuses[""] = None
    day, moment = dt.date.fromordinal, dt.datetime.fromisoformat
    return History(
        tuple(
            Event(
                task,
                statuses[status],
                day(on),
                by,
                moment(at),
                note,
                ref,
                agency,
                day(to) if to else None,
                undo,
            )
            for task, status, on, by, at, note, ref, agency, to, undo in value
        )
    )
