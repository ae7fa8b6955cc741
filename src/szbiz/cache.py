"""A cache of validated task lists and ledgers, keyed by their content.

Parsing and validating YAML is the slow part of every command over a long
list (about 13 s for 100,000 tasks); reading back what was validated before
takes a fraction of that. An entry is a file in the user's cache directory
(``settings.cache_dir``), named by a hash of the bytes it was made from and of
the szbiz and Python versions, so a changed list, a new szbiz or another Python
simply misses. Entries exist only for bytes that were validated, or written by
szbiz after validating what it added. The cache is safe to delete at any time.

An entry is never trusted as it is:

- It is used only from a private directory: szbiz's own directory must belong
  to the user and be closed to group and others (it is made 0700 whatever the
  umask), and the directory above it must belong to the user or root and be
  closed to others too, unless it is sticky as ``/tmp`` is. Otherwise szbiz
  runs without the cache and writes nothing there, as ssh ignores a loose
  ``~/.ssh``. (Windows has no POSIX owners: these checks are skipped there.)
- It is read only if it is a regular file of the user's no larger than a cap
  set by the size of the bytes it stands for; it is opened without following
  a symlink and without blocking, so a FIFO or device never hangs the reader.
- Its payload must match the checksum in front of it (xxh3_128), which catches
  a torn or damaged file.
- The payload is JSON of plain values, which cannot carry code and makes no
  object before it has read the bytes that object is made of (no length
  declared up front for a reader to allocate). It is laid out by column, so
  that its shape and types are checked by a few passes in C over each column
  rather than by Python over every task: every value exactly of its type,
  every index within its table, every task's area and agencies declared, ids
  unique and in order, every recorded time timezone-aware.

Whatever is wrong with an entry, it is removed (from the private directory)
and rebuilt from the file; nothing is said. What no check can see without a
secret key is an entry forged with a correct checksum over well-formed, well
typed but different content: keeping anyone else from writing there is what
the private directory is for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

from szbiz.i18n import _, strerror
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
FORMAT = 7  # bump when the model or this layout changes
KEEP = 8  # entries of each kind kept: the most recent few lists, and apart, ledgers
CHECKSUM = 16  # bytes of xxh3_128 in front of the payload


def limit(source: int) -> int:
    """The largest entry read or written for ``source`` bytes of list or ledger: far above
    what a valid one packs into (a quarter of the YAML for a long list), and bounded."""
    return 4 * source + (1 << 20)


# --- the directory ------------------------------------------------------------------


def _refusal(path: Path, info: os.stat_result, *, own: bool) -> str | None:
    """Why the directory at ``path`` (``info``, its stat) lets others change the cache;
    None if it does not. szbiz's ``own`` directory must be the user's and closed to group
    and others; the one above it may be root's too, and open to all if it is sticky."""
    if not stat.S_ISDIR(info.st_mode):
        return _("{path} is not a directory").format(path=path)
    if not hasattr(os, "geteuid"):  # Windows: no POSIX owner or mode bits to trust
        return None
    if info.st_uid != os.geteuid() and (own or info.st_uid != 0):
        return _("{path} belongs to another user").format(path=path)
    if info.st_mode & 0o022 and (own or not info.st_mode & stat.S_ISVTX):
        if info.st_mode & 0o002:
            return _("{path} is writable by others").format(path=path)
        return _("{path} is writable by its group").format(path=path)
    return None


def _loose(directory: Path) -> str | None:
    """Why ``directory`` must not hold the cache, or None; OSError when it cannot be
    looked at (FileNotFoundError when it does not exist yet)."""
    parent = directory.absolute().parent
    return _refusal(parent, os.stat(parent), own=False) or _refusal(
        directory, os.stat(directory), own=True
    )


def _make_private(directory: Path) -> None:
    """Make ``directory`` and any missing directory above it, each 0700. The mode given to
    mkdir can only lose bits to the umask, never gain them: no moment is it open to
    others; chmod then restores what an unusual umask took away."""
    missing = []
    for path in (directory, *directory.absolute().parents):
        if path.is_dir():
            break
        missing.append(path)
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:  # made meanwhile: looked at afterwards like any other
            continue
        os.chmod(path, 0o700)


def _directory(create: bool) -> Path | None:
    """The cache directory if the cache may be used; with ``create``, made when missing."""
    from szbiz.settings import cache_dir

    directory = cache_dir()
    try:
        why = _loose(directory)
    except FileNotFoundError:
        if not create:
            return None
        try:
            _make_private(directory)
            why = _loose(directory)
        except OSError:
            return None
    except OSError:
        return None
    return None if why else directory


def state() -> tuple[Path, str]:
    """The cache directory and whether it is used: ``in use``, ``not created yet``, or
    ``not used: <why>``."""
    from szbiz.settings import cache_dir

    directory = cache_dir()
    try:
        why = _loose(directory)
    except FileNotFoundError:
        return directory, _("not created yet")
    except OSError as exc:
        return directory, _("not used: {why}").format(why=strerror(exc))
    return directory, _("not used: {why}").format(why=why) if why else _("in use")


# --- entries ------------------------------------------------------------------------


class Damaged(Exception):
    """An entry that is not one szbiz wrote: of the wrong kind, size, checksum or shape."""


def _need(ok: bool) -> None:
    if not ok:
        raise Damaged


def _checksum(payload: bytes) -> bytes:
    import xxhash

    return xxhash.xxh3_128_digest(payload)


def _name(kind: str, data: bytes) -> str:
    """The entry's name for ``data``, by a hash of them and of what else it depends on:
    this layout and the szbiz and Python versions."""
    import xxhash

    from szbiz import __version__

    digest = xxhash.xxh3_128(f"{FORMAT}:{__version__}:{sys.implementation.cache_tag}:".encode())
    digest.update(data)
    return f"{kind}-{digest.hexdigest()}.json"


def _regular(info: os.stat_result, cap: int) -> None:
    """A regular file of the user's, no larger than ``cap``; Damaged if not."""
    _need(stat.S_ISREG(info.st_mode) and info.st_size <= cap)
    if hasattr(os, "geteuid"):
        _need(info.st_uid == os.geteuid())


def _read(entry: Path, cap: int) -> bytes | None:
    """The entry's bytes; None when there is none. Damaged (or OSError) when it is
    anything but a regular file of the user's no larger than ``cap``: a symlink, a FIFO
    or a directory is never opened, and no more than its size is ever read."""
    try:
        info = os.lstat(entry)
    except FileNotFoundError:
        return None
    _regular(info, cap)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(entry, flags)  # swapped for a symlink since: ELOOP; for a FIFO: fstat
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        _regular(info, cap)
        blob = handle.read(info.st_size + 1)
    _need(len(blob) == info.st_size)
    return blob


def _remove(entry: Path) -> None:
    """Make way for a good entry: whatever is there goes (an empty directory too)."""
    try:
        entry.unlink()
    except IsADirectoryError:
        with contextlib.suppress(OSError):
            entry.rmdir()
    except OSError:
        # Windows and some others say EPERM or EACCES for a directory.
        with contextlib.suppress(OSError):
            entry.rmdir()


def _fetch(name: str, source: int, unpack: Callable[[Any], T]) -> T | None:
    """What the entry ``name`` holds, checked and unpacked; None when it is missing, or
    damaged (then it is removed), or the cache is not to be used. ``source``: the size
    of the bytes the entry stands for.

    Unpacking makes many small objects and no garbage: the collector is paused.
    """
    directory = _directory(create=False)
    if directory is None:
        return None
    entry = directory / name
    try:
        blob = _read(entry, CHECKSUM + limit(source))
        if blob is None:
            return None
        payload = blob[CHECKSUM:]
        _need(_checksum(payload) == blob[:CHECKSUM])
        import json

        from szbiz.memory import collector_paused

        with collector_paused():
            # Anything an entry can make go wrong (a wrong type, a bad index, a date out
            # of range, JSON nested too deep) is an exception here: damaged.
            return unpack(json.loads(payload))
    except Exception:
        _remove(entry)
        return None


def _store(name: str, source: int, pack: Callable[[T], Any], value: T) -> None:
    """Write the entry privately and atomically, then drop the oldest of its kind.

    A cache that cannot be written, or must not be, is not the user's problem:
    nothing is said.
    """
    import json

    from szbiz.atomic import atomic_write

    try:
        text = json.dumps(pack(value), ensure_ascii=False, separators=(",", ":"))
        # Text YAML can hold (a lone surrogate) and json.loads reads back.
        payload = text.encode("utf-8", "surrogatepass")
    except (KeyError, TypeError, ValueError):  # not a list this layout can hold
        return
    if len(payload) > limit(source):
        return
    directory = _directory(create=True)
    if directory is None:
        return
    entry = directory / name
    with contextlib.suppress(OSError, ValueError):
        atomic_write(entry, _checksum(payload) + payload, mode=0o600)
    _prune(directory, name.split("-", 1)[0], entry)


def _prune(directory: Path, kind: str, keep: Path) -> None:
    """Drop all but the newest KEEP entries of ``kind`` (of any format)."""

    def age(path: Path) -> float:
        try:
            return path.lstat().st_mtime
        except OSError:
            return 0.0

    with contextlib.suppress(OSError):
        old = sorted(directory.glob(f"{kind}-*"), key=age, reverse=True)
        for stale in old[KEEP:]:
            if stale != keep:
                _remove(stale)


# --- columns ------------------------------------------------------------------------
# A list of records (tasks, events) is kept as one column per field, in the order of
# the model's fields. An int column is a list of ints. Any other is a table of its
# distinct values (a day as its ordinal, a moment as its ISO text, a status as its
# value, an absent day or status as 0 or "", a tuple of agencies as a string of their
# places in the registry) and a string of picks: the n-th character's code point is
# the n-th record's index in the table. A string reads far faster than a list of
# numbers, and can hold nothing but indices that are not negative; equal values become
# one object. A table of more than 1,114,112 values (the code points) is more than
# this layout holds: such a list is simply not cached.


_PAIRS = "tuple[tuple[str, str], ...]"  # a task's other columns: (header, value) pairs


def _list(value: Any, length: int | None = None) -> list[Any]:
    _need(type(value) is list and (length is None or len(value) == length))
    return value  # type: ignore[no-any-return]


def _all(kind: type, values: Iterable[Any]) -> bool:
    """Whether every value is exactly a ``kind`` (a bool is not an int here)."""
    return not set(map(type, values)) - {kind}


def _ints(value: Any) -> list[int]:
    _need(_all(int, _list(value)))
    return value  # type: ignore[no-any-return]


def _strs(value: Any) -> tuple[str, ...]:
    _need(_all(str, _list(value)))
    return tuple(value)


def _picks(indices: Iterable[int]) -> str:
    return "".join(map(chr, indices))  # ValueError past the last code point


_UTF32 = f"utf-32-{sys.byteorder[0]}e"  # each character as a native 4-byte int


def _indices(picks: str) -> Iterable[int]:
    """The indices a string of picks holds (as map(ord, picks), in C and at once)."""
    return memoryview(picks.encode(_UTF32, "surrogatepass")).cast("I")


def _pack_column(kind: str, values: Sequence[Any], names: dict[str, int]) -> Any:
    if kind == "int":
        return list(values)
    if kind == "dt.datetime":  # by its text: two moments equal in time may differ in zone
        values = [moment.isoformat() for moment in values]
    table: dict[Any, int] = {}
    picks = _picks(table.setdefault(v, len(table)) for v in values)
    keys: list[Any] = list(table)
    if kind == "tuple[str, ...]":  # agencies, by their place in the registry
        keys = [_picks(map(names.__getitem__, key)) for key in keys]
    elif kind == "dt.date":
        keys = [day.toordinal() for day in keys]
    elif kind == "dt.date | None":  # none as 0, which no day's ordinal is
        keys = [day.toordinal() if day is not None else 0 for day in keys]
    elif kind == _PAIRS:  # header, value, header, value…
        keys = [[text for pair in key for text in pair] for key in keys]
    elif kind == "Status":
        keys = [status.value for status in keys]
    elif kind == "Status | None":  # none as "", which no status's value is
        keys = [status.value if status is not None else "" for status in keys]
    elif kind not in ("str", "dt.datetime"):
        raise TypeError(f"no column for {kind}")
    return [keys, picks]


def _unpack_column(kind: str, raw: Any, names: Sequence[str]) -> tuple[Iterable[Any], int]:
    """The column's values, made as they are consumed, and how many there are."""
    if kind == "int":
        return _ints(raw), len(raw)
    table_raw, picks = _list(raw, 2)
    table: list[Any] = _list(table_raw)
    _need(type(picks) is str)
    if kind == "dt.date":
        table = list(map(dt.date.fromordinal, _ints(table)))  # ValueError out of range
    elif kind == "dt.date | None":
        table = [dt.date.fromordinal(n) if n else None for n in _ints(table)]
    elif kind == _PAIRS:
        texts = list(map(_strs, table))
        _need(not any(len(key) % 2 for key in texts))
        table = [tuple(zip(key[::2], key[1::2], strict=True)) for key in texts]
    else:
        _need(_all(str, table))
        if kind == "tuple[str, ...]":
            # Each key's places, each place's name: an IndexError past the registry.
            keys = map(map, repeat(ord), table)  # short: ord beats encoding each one
            table = list(map(tuple, map(map, repeat(names.__getitem__), keys)))
        elif kind == "Status":
            table = list(map(Status, table))
        elif kind == "Status | None":
            table = [Status(value) if value else None for value in table]
        elif kind == "dt.datetime":
            table = list(map(dt.datetime.fromisoformat, table))
            _need(None not in set(map(dt.datetime.utcoffset, table)))
        elif kind != "str":
            raise Damaged
    return map(table.__getitem__, _indices(picks)), len(picks)  # IndexError past the table


def _pack_columns(rows: Sequence[Any], kinds: Sequence[tuple[str, str]], names: Any) -> Any:
    from operator import attrgetter

    return [_pack_column(kind, list(map(attrgetter(f), rows)), names) for f, kind in kinds]


def _unpack_columns(raw: Any, kinds: Sequence[tuple[str, str]], names: Any) -> list[Any]:
    columns, lengths = zip(
        *(
            _unpack_column(kind, column, names)
            for (_, kind), column in zip(kinds, _list(raw, len(kinds)), strict=True)
        ),
        strict=True,
    )
    _need(len(set(lengths)) == 1)  # map() would stop at the shortest
    return list(columns)


# --- task lists ---------------------------------------------------------------------

_TASK = tuple((f.name, str(f.type)) for f in TASK_FIELDS)
_EVENT = tuple((f.name, str(f.type)) for f in fields(Event))
_ID, _AREA = (i for i, (name, _) in enumerate(_TASK) if name in ("id", "area"))
_KINDS = {kind.value: kind for kind in AgencyKind}


def _pack_tasks(tasks: TaskList) -> list[Any]:
    d = tasks.document
    places = {a.name: i for i, a in enumerate(tasks.agencies)}
    return [
        [d.title, d.issuer, d.year, d.source, list(d.principles)],
        [[a.number, a.name] for a in tasks.areas],
        [
            [a.name, a.kind.value, list(a.aliases), a.code, list(a.alias_codes)]
            for a in tasks.agencies
        ],
        _pack_columns(tasks.tasks, _TASK, places),
    ]


def _unpack_tasks(value: Any) -> TaskList:
    head, areas_raw, agencies_raw, columns_raw = _list(value, 4)
    title, issuer, year, source, principles = _list(head, 5)
    _need(_all(str, (title, issuer, source)) and type(year) is int)
    document = Document(title, issuer, year, source, _strs(principles))
    areas = []
    for item in _list(areas_raw):
        number, area_name = _list(item, 2)
        _need(type(number) is int and type(area_name) is str)
        areas.append(Area(number, area_name))
    agencies = []
    for item in _list(agencies_raw):
        name, kind, aliases, code, alias_codes = _list(item, 5)
        _need(_all(str, (name, kind, code)))
        agencies.append(Agency(name, _KINDS[kind], _strs(aliases), code, _strs(alias_codes)))
    names = [a.name for a in agencies]
    numbers = {a.number for a in areas}
    _need(len(numbers) == len(areas) and len(set(names)) == len(names))
    columns = _unpack_columns(columns_raw, _TASK, names)
    ids, used = columns[_ID], columns[_AREA]
    _need(ids == sorted(set(ids)))  # each once, in order, as the loader leaves them
    _need(not numbers or set(used) <= numbers)  # as the loader requires when areas are declared
    return TaskList(document, tuple(areas), tuple(agencies), tuple(map(Task, *columns)))


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
    name = _name("tasks", data)
    cached = _fetch(name, len(data), _unpack_tasks)
    if cached is not None:
        return cached
    from szbiz.errors import LoadError
    from szbiz.load import parse

    found, problems = parse(data, str(path))
    if found is None:
        raise LoadError(problems)
    _store(name, len(data), _pack_tasks, found)
    return found


# --- ledgers ------------------------------------------------------------------------


def history(data: bytes, name: str) -> History:
    """The events of the ledger bytes ``data`` (read from ``name``), validated before or now.

    A corrupt ledger raises LoadError as ``szbiz.ledger.parse_ledger`` does, and
    is never cached.
    """
    entry = _name("ledger", data)
    known = _fetch(entry, len(data), _unpack_history)
    if known is not None:
        return known
    from szbiz.ledger import parse_ledger

    found = parse_ledger(data, name)
    _store(entry, len(data), _pack_history, found)
    return found


def remember(data: bytes, known: History) -> None:
    """Record that the ledger bytes ``data`` hold ``known``: for bytes szbiz has just
    written after validating what it added, so that nothing parses them again."""
    _store(_name("ledger", data), len(data), _pack_history, known)


def _pack_history(known: History) -> list[Any]:
    return [_pack_columns(known.events, _EVENT, {})]


def _unpack_history(value: Any) -> History:
    (columns_raw,) = _list(value, 1)
    return History(tuple(map(Event, *_unpack_columns(columns_raw, _EVENT, ()))))
