"""A cache of validated task lists, keyed by the file's content.

Parsing and validating YAML is the slow part of every command; a list that
has not changed since it was last validated is read back from a private file
in the user's cache directory instead. The cache holds plain values in
``marshal`` format (no code runs when it is read), is rebuilt silently when it
is stale or unreadable, and is safe to delete at any time.

The progress ledger is cached the same way. An entry exists only for bytes
that were validated (or written by szbiz after validating what it added), so
``known_ledger`` tells ``szbiz done`` that a ledger need not be parsed again
before appending to it, and ``remember_ledger`` lets the cache learn the
ledger it has just written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from szbiz.errors import SzbizError
from szbiz.model import (
    Agency,
    AgencyKind,
    Area,
    Document,
    Event,
    Head,
    History,
    Status,
    Task,
    TaskList,
)

try:  # the blake2 module itself: hashlib would load OpenSSL too, a few ms at every start
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b

T = TypeVar("T")

if TYPE_CHECKING:
    from szbiz.progress import Appended

FORMAT = 3  # bump when the model or this layout changes

# The ledger this process last read or wrote, by key: appending to it then
# needs no second read of its entry.
_recent: dict[str, History] = {}
_EMPTY = ""  # the key for a ledger that is missing or holds nothing


def cache_dir() -> Path:
    override = os.environ.get("SZBIZ_CACHE_DIR")
    if override:
        return Path(override)
    from szbiz.paths import user_dir

    return user_dir("cache")


def _key(data: bytes) -> str:
    global _last_key
    if _last_key is not None and _last_key[0] is data:  # `done` asks twice of its ledger
        return _last_key[1]
    key = _finish(blake2b(data, digest_size=20))
    _last_key = (data, key)
    return key


_last_key: tuple[bytes, str] | None = None


def _finish(digest: Any) -> str:
    from szbiz import __version__

    digest.update(f"{FORMAT}:{__version__}".encode())
    return str(digest.hexdigest())


def _file_key(path: Path) -> str | None:
    """The key of a file's content, read in chunks (a long list need not sit in memory)."""
    digest = blake2b(digest_size=20)
    size = 0
    try:
        with path.open("rb", buffering=0) as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except (OSError, ValueError):
        return None
    return _finish(digest) if size else None


def _atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    from szbiz.atomic import atomic_write  # its tempfile import is for writing only

    atomic_write(path, data, mode=mode)


def _unpacked(unpack: Callable[[Any], T], blob: bytes) -> T:
    """Read an entry back, without the garbage collector rescanning every new object."""
    from szbiz.memory import collector_paused

    with collector_paused():
        return unpack(marshal.loads(blob))


class LazyTasks(Sequence[Task]):
    """The tasks of a cached list, each made into a Task when first asked for.

    A command over 100,000 tasks usually shows a few hundred of them: their
    heads (id, area, deadline, agencies) are read for all, and their text is
    decoded only for those shown.
    """

    __slots__ = ("_heads", "_made", "_texts", "entry")

    def __init__(
        self, heads: tuple[Head, ...], texts: tuple[bytes, ...], entry: Path | None = None
    ) -> None:
        if len(heads) != len(texts):
            raise ValueError("heads and texts differ in length")
        self._heads = heads
        self._texts = texts
        self.entry = entry  # the cache file they were read from
        self._made: list[Task | None] = [None] * len(heads)

    def __len__(self) -> int:
        return len(self._heads)

    @property
    def heads(self) -> tuple[Head, ...]:
        """Each task's head, in order: what ``TaskList`` reads instead of the tasks."""
        return self._heads

    @overload
    def __getitem__(self, index: int) -> Task: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Task, ...]: ...

    def __getitem__(self, index: int | slice) -> Task | tuple[Task, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        made = self._made[index]
        if made is None:
            made = self._make(index)
            self._made[index] = made
        return made

    def _make(self, index: int) -> Task:
        task_id, area, deadline, lead, support = self._heads[index]
        try:
            title, description, deadline_text, lead_note, support_note = marshal.loads(
                self._texts[index]
            )
            return Task(
                task_id,
                area,
                title,
                description,
                lead,
                support,
                dt.date.fromordinal(deadline),
                deadline_text,
                lead_note,
                support_note,
            )
        except (ValueError, TypeError, EOFError, OverflowError) as exc:
            # The entry was checked as a whole when read; a task's text is decoded
            # only now. A damaged entry goes, so that the next run rebuilds it.
            where = self.entry or "the cache"
            if self.entry is not None:
                with contextlib.suppress(OSError):
                    self.entry.unlink()
            raise SzbizError(
                f"{where} is damaged (task {task_id}) and was removed; run the command again"
            ) from exc

    def __iter__(self) -> Iterator[Task]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"LazyTasks({len(self)} tasks)"


def _pack(tasks: TaskList) -> tuple[Any, ...]:
    d = tasks.document
    # One object per spelling and per tuple of agencies, so that marshal writes
    # each once and refers back to it: the heads of 100,000 tasks read fast.
    shared: dict[Any, Any] = {}

    def one(value: Any) -> Any:
        return shared.setdefault(value, value)

    return (
        FORMAT,
        (d.title, d.issuer, d.year, d.source, d.principles),
        tuple((a.number, a.name) for a in tasks.areas),
        tuple((a.name, a.kind.value, a.aliases, a.code, a.alias_codes) for a in tasks.agencies),
        tuple(
            (i, area, deadline, one(tuple(map(one, lead))), one(tuple(map(one, support))))
            for i, area, deadline, lead, support in tasks.heads
        ),
        tuple(
            marshal.dumps((t.title, t.description, t.deadline_text, t.lead_note, t.support_note))
            for t in tasks.tasks
        ),
    )


def _unpack(value: Any, entry: Path | None = None) -> TaskList:
    version, doc, areas, agencies, heads, texts = value
    if version != FORMAT:
        raise ValueError("another cache format")
    kinds = {k.value: k for k in AgencyKind}
    return TaskList(
        document=Document(*doc),
        areas=tuple(Area(*a) for a in areas),
        agencies=tuple(Agency(n, kinds[k], al, c, ac) for n, k, al, c, ac in agencies),
        tasks=LazyTasks(heads, texts, entry),
    )


def load_cached(path: Path) -> TaskList:
    """The list at ``path``, from the cache when its content was validated before.

    Problems with the cache itself are never the user's: anything unreadable
    is ignored and rebuilt. Problems with the list raise LoadError as
    ``szbiz.load.load`` does.
    """
    from szbiz.errors import LoadError

    key = _file_key(path)
    if key is not None:
        with contextlib.suppress(Exception):
            entry = cache_dir() / f"tasks-{key}.marshal"
            return _unpacked(partial(_unpack, entry=entry), entry.read_bytes())
    from szbiz.load import parse, read_problems

    data = read_problems(path)  # says what is wrong with a file it cannot read
    if isinstance(data, list):
        raise LoadError(data)
    entry = cache_dir() / f"tasks-{_key(data)}.marshal"

    tasks, problems = parse(data, str(path))
    if tasks is None:
        raise LoadError(problems)
    with contextlib.suppress(OSError):
        _store(entry, marshal.dumps(_pack(tasks)))
    return tasks


def _store(entry: Path, blob: bytes) -> None:
    """Write the entry privately (0600) and atomically; old entries are left to expire."""
    entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _atomic_write(entry, blob, mode=0o600)
    _prune(entry.parent, keep=entry)


def _prune(directory: Path, keep: Path, limit: int = 8) -> None:
    """Keep the cache small: only the most recent few lists, and apart, the few ledgers.

    Each kind is counted on its own, so that recording progress (a new ledger
    entry each time) never pushes out the list, which is far slower to rebuild.
    """
    kind = keep.name.split("-", 1)[0]
    with contextlib.suppress(OSError):
        entries = sorted(
            directory.glob(f"{kind}-*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in entries[limit:]:
            if old != keep:
                old.unlink()


def _pack_history(history: History) -> tuple[Any, ...]:
    return (
        FORMAT,
        tuple(
            (e.task, e.status.value, e.on.toordinal(), e.by, e.at.isoformat(), e.note, e.ref)
            for e in history.events
        ),
    )


def _unpack_history(value: Any) -> History:
    version, events = value
    if version != FORMAT:
        raise ValueError("another cache format")
    statuses = {s.value: s for s in Status}
    fromordinal = dt.date.fromordinal
    fromiso = dt.datetime.fromisoformat
    return History(
        tuple(
            Event(task, statuses[st], fromordinal(on), by, fromiso(at), note, ref)
            for task, st, on, by, at, note, ref in events
        )
    )


def _ledger_entry(data: bytes) -> Path:
    return cache_dir() / f"ledger-{_key(data)}.marshal"


def _remember_here(key: str, history: History) -> None:
    _recent.clear()
    _recent[key] = history


def load_history_cached(path: Path) -> History:
    """The ledger's events, from the cache when its content was read before.

    A missing ledger has none; a corrupt one raises LoadError as
    ``szbiz.progress.read_ledger`` does and is never cached.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        _remember_here(_EMPTY, History())
        return History()
    except (OSError, ValueError):
        data = b""
    if not data or data.isspace():
        from szbiz.progress import read_ledger  # a directory, unreadable, or empty

        history = read_ledger(path)
        _remember_here(_EMPTY, history)
        return history
    key = _key(data)
    entry = cache_dir() / f"ledger-{key}.marshal"
    with contextlib.suppress(Exception):
        history = _unpacked(_unpack_history, entry.read_bytes())
        _remember_here(key, history)
        return history
    from szbiz.progress import parse_ledger

    history = parse_ledger(data, str(path))
    with contextlib.suppress(OSError):
        _store(entry, marshal.dumps(_pack_history(history)))
    _remember_here(key, history)
    return history


def read_here(data: bytes) -> bool:
    """Whether ``data`` are the ledger bytes this process last read (or wrote).

    Meant as ``append_events(..., planned_on=read_here)``: when another szbiz
    has written to the ledger since, they are not.
    """
    return (_EMPTY if not data or data.isspace() else _key(data)) in _recent


def known_ledger(data: bytes) -> bool:
    """Whether the cache holds an entry for exactly these ledger bytes: they were validated.

    Meant as ``append_events(..., trusted=known_ledger)``. Any problem with the
    cache itself is an answer of no, never an error.
    """
    if not data or data.isspace():
        return False
    try:
        return _ledger_entry(data).is_file()
    except (OSError, ValueError):
        return False


def remember_ledger(data: bytes, history: History) -> None:
    """Record that the ledger bytes ``data`` hold ``history``, so that nothing parses them again.

    Only for bytes szbiz has itself validated or written: ``history`` is taken
    on trust. A cache that cannot be written is not the user's problem.
    """
    if not data or data.isspace():
        return
    key = _key(data)
    _remember_here(key, history)
    with contextlib.suppress(OSError, ValueError):
        _store(cache_dir() / f"ledger-{key}.marshal", marshal.dumps(_pack_history(history)))


def _cached_history(data: bytes) -> History | None:
    """The events of ledger bytes the cache knows; None if it does not."""
    if not data or data.isspace():
        return History()
    key = _key(data)
    if key in _recent:
        return _recent[key]
    try:
        return _unpacked(_unpack_history, (cache_dir() / f"ledger-{key}.marshal").read_bytes())
    except Exception:  # unreadable, stale or absent: the cache does not know them
        return None


def learn_append(appended: Appended | None) -> None:
    """After ``append_events``: cache the new ledger without parsing it.

    Its events are those ``append_events`` parsed, or else the old ledger's
    (from the cache) followed by the new ones. Nothing is learned when neither
    is known.
    """
    if appended is None:
        return
    history = appended.history
    if history is None:
        old = _cached_history(appended.before)
        if old is None:
            return
        history = History(old.events + appended.events)
    remember_ledger(appended.after, history)
