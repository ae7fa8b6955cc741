"""Where szbiz's files live (the task list and ledger in use, and the cache), and who records.

The ledger: ``--progress`` > SZBIZ_PROGRESS > the nearest ``szbiz.toml`` from
the working directory upward > the per-user default. The list: ``--tasks`` >
SZBIZ_TASKS > ``szbiz.toml`` > the list bundled with szbiz. Paths in
``szbiz.toml`` are relative to its own directory; paths from options and the
environment to the working directory. The cache: SZBIZ_CACHE_DIR, else the
per-user cache directory.

``szbiz.toml`` names one list with top-level ``tasks`` and ``progress``, or
several, each in a table of its own keyed by a name such as a year::

    [lists.2020]
    tasks = "data/tasks.yaml"
    progress = "progress-2020.yaml"   # left out: progress-<key>.yaml beside szbiz.toml

``--list KEY`` > SZBIZ_LIST > the first table picks the one in use; each list
has a ledger of its own.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from szbiz.errors import SzbizError, UsageError
from szbiz.i18n import N_, _, strerror

CONFIG_NAME = "szbiz.toml"
LEDGER_NAME = "progress.yaml"
MAX_BYTES = 256 * 1024 * 1024  # the largest task list read: far beyond any real one
_PACKAGE = Path(__file__).resolve().parent

_KEYS = ("progress", "tasks")
LISTS = "lists"  # the table of lists by key
_LIST_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Settings:
    """The files in use and why each was chosen."""

    tasks: Path
    tasks_reason: str
    ledger: Path
    ledger_reason: str
    explicit: bool  # the ledger was named by option, environment or szbiz.toml
    list_key: str = ""  # the key of the list in use when szbiz.toml names lists by key
    list_reason: str = ""
    other_lists: tuple[str, ...] = ()  # the keys of the other lists szbiz.toml names

    def ledger_for_writing(self) -> Path:
        """The ledger's path, its directory made if it is the per-user default; one named
        explicitly is left alone (a missing directory there is more likely a typo)."""
        if not self.explicit:
            try:
                self.ledger.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise SzbizError(
                    _("cannot create {path} for the ledger: {why}").format(
                        path=self.ledger.parent, why=strerror(exc)
                    )
                ) from exc
        return self.ledger

    def ledger_to_read(self) -> Path:
        """The ledger's path; one named explicitly must be in a directory that exists
        (reading nothing from a mistyped path would show every task as todo)."""
        if self.explicit and not self.ledger.parent.is_dir():
            raise UsageError(
                _(
                    "the ledger {path} ({why}) is in a directory that does not exist; "
                    "check the path"
                ).format(path=self.ledger, why=self.ledger_reason)
            )
        return self.ledger


def bundled_tasks() -> Path:
    """The canonical list shipped with szbiz.

    A wheel carries it as ``szbiz/data/tasks.yaml``; a source checkout or an
    editable install reads the repository's ``data/tasks.yaml``.
    """
    packaged = _PACKAGE / "data" / "tasks.yaml"
    if packaged.is_file():
        return packaged
    return _PACKAGE.parent.parent / "data" / "tasks.yaml"


def user_dir(kind: Literal["data", "cache"]) -> Path:
    """szbiz's per-user data or cache directory, as platformdirs names it: the XDG one
    on Linux and other Unixes, worked out here (importing platformdirs costs a few
    milliseconds at every start); Windows and macOS ask platformdirs."""
    if sys.platform in ("win32", "darwin"):
        import platformdirs

        if kind == "data":
            return platformdirs.user_data_path("szbiz", appauthor=False)
        return platformdirs.user_cache_path("szbiz", appauthor=False)
    variable, default = ("XDG_DATA_HOME", "~/.local/share")
    if kind == "cache":
        variable, default = ("XDG_CACHE_HOME", "~/.cache")
    base = os.environ.get(variable, "")
    if not os.path.isabs(base):  # unset, empty or relative: ignored, as the XDG spec says
        base = os.path.expanduser(default)
    return Path(base) / "szbiz"


def cache_dir() -> Path:
    """Where the cache of validated lists and ledgers lives: SZBIZ_CACHE_DIR, else per user."""
    override = os.environ.get("SZBIZ_CACHE_DIR")
    return Path(override) if override else user_dir("cache")


def default_ledger() -> Path:
    """The per-user ledger: the platform's data directory (XDG_DATA_HOME on Linux)."""
    return user_dir("data") / LEDGER_NAME


def find_config(cwd: Path) -> Path | None:
    """The nearest szbiz.toml in ``cwd`` or a directory above it."""
    start = cwd.absolute()
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


# Where tomllib says an error is; used only when reporting one.
_TOML_AT = r"\s*\(at line (\d+), column (\d+)\)$"
_TOML_END = r"\s*\(at end of document\)$"


def _where(path: Path, text: str, key: str) -> str:
    """``path:line`` of the line that sets ``key`` (tomllib gives no positions)."""
    pattern = re.compile(rf"^\s*\[?\s*{_key_pattern(key)}\s*(?:[.=\]]|$)")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return f"{path}:{number}"
    return str(path)


@dataclass(frozen=True)
class Config:
    """What a szbiz.toml says: the paths of its one list (top-level ``tasks`` and
    ``progress``), or its lists by key in the order it names them, each with its task
    list and its ledger. Paths are absolute against the file's directory."""

    path: Path
    paths: dict[str, Path]
    lists: dict[str, tuple[Path, Path]]


def _line(text: str, patterns: Sequence[str], start: int = 0) -> int | None:
    """The number of the first line from line ``start`` (0-based) matching one of ``patterns``."""
    compiled = [re.compile(p) for p in patterns]
    for number, line in enumerate(text.splitlines()[start:], start + 1):
        if any(p.match(line) for p in compiled):
            return number
    return None


def _key_pattern(key: str) -> str:
    """A TOML key as written: bare, or in double or single quotes."""
    k = re.escape(key)
    return rf'(?:{k}|"{k}"|\'{k}\')'


def _list_line(text: str, key: str) -> int | None:
    """The line that opens the list ``key``: ``[lists.KEY]``, ``lists.KEY… =`` or, in a
    ``[lists]`` table, ``KEY… =``."""
    k = _key_pattern(key)
    forms = (
        rf"^\s*\[\s*{LISTS}\s*\.\s*{k}\s*\]",
        rf"^\s*{LISTS}\s*\.\s*{k}\s*[.=]",
        rf"^\s*{k}\s*[.=]",
    )
    # The surest form first: a list keyed like a path key (tasks) is still found.
    return next((n for form in forms if (n := _line(text, (form,))) is not None), None)


def _check_path(where: str, key: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        example = LEDGER_NAME if key == "progress" else "tasks.yaml"
        raise SzbizError(
            _('{where}: {key} must be a path in quotes, like {key} = "{example}"').format(
                where=where, key=key, example=example
            )
        )


def _unknown_key(where: str, key: str, expected: str) -> SzbizError:
    names = (*_KEYS, LISTS) if expected == "top" else _KEYS
    close = difflib.get_close_matches(key, names, n=1)
    hint = _("did you mean {key!r}? ").format(key=close[0]) if close else ""
    if expected == "top":
        return SzbizError(
            _(
                "{where}: unknown key {key!r}; {hint}expected progress or tasks, "
                "or [lists.KEY] tables"
            ).format(where=where, key=key, hint=hint)
        )
    return SzbizError(
        _(
            "{where}: unknown key {key!r} in the list {list}; {hint}expected progress or tasks"
        ).format(where=where, key=key, list=expected, hint=hint)
    )


def _same(path: Path) -> str:
    """A path as the file system sees it, to tell two spellings of one file."""
    try:
        found = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop, say: as it is written
        found = path.absolute()
    return os.path.normcase(str(found))


def _read_lists(
    path: Path, text: str, value: object, paths: dict[str, Path]
) -> dict[str, tuple[Path, Path]]:
    """The ``[lists.KEY]`` tables: each key checked, each list's task list and ledger."""
    opened = _line(text, (rf"^\s*\[\s*{LISTS}\s*[.\]]", rf"^\s*{LISTS}\s*[.=]"))
    at = f"{path}:{opened}" if opened else str(path)
    if paths:  # both forms at once: which of them is meant?
        first = next(iter(paths))
        raise SzbizError(
            _(
                "{where}: top-level {key} beside [lists.KEY] tables; expected either "
                "top-level tasks and progress (one list) or a [lists.KEY] table for each list"
            ).format(where=_where(path, text, first), key=first)
        )
    if not isinstance(value, dict) or not value:
        raise SzbizError(
            _(
                "{where}: lists names no list; expected a table for each, like [lists.2021] "
                'with tasks = "tasks-2021.yaml"'
            ).format(where=at)
        )
    out: dict[str, tuple[Path, Path]] = {}
    ledgers: dict[str, str] = {}
    for key, table in value.items():
        number = _list_line(text, key)
        where = f"{path}:{number}" if number else at
        if not _LIST_KEY.fullmatch(key):
            from szbiz.dates import shown

            raise SzbizError(
                _(
                    "{where}: list key {key!r} is not a plain name; expected letters, "
                    "digits, - and _ (a year such as 2021)"
                ).format(where=where, key=shown(key))
            )
        if not isinstance(table, dict):
            raise SzbizError(
                _(
                    "{where}: the list {key} must be a table; expected [lists.{key}] "
                    'with tasks = "tasks.yaml" under it'
                ).format(where=where, key=key)
            )
        start = (number or 1) - 1
        found: dict[str, Path] = {}
        at_progress = where
        for name, given in table.items():
            line = _line(
                text,
                (rf"^\s*(?:{LISTS}\s*\.\s*{_key_pattern(key)}\s*\.\s*)?{re.escape(name)}\s*=",),
                start,
            )
            there = f"{path}:{line}" if line else where
            if name not in _KEYS:
                raise _unknown_key(there, name, key)
            _check_path(there, name, given)
            assert isinstance(given, str)
            found[name] = path.parent / Path(given).expanduser()
            if name == "progress":
                at_progress = there
        if "tasks" not in found:
            raise SzbizError(
                _(
                    '{where}: the list {key} names no task list; expected tasks = "PATH" in it'
                ).format(where=where, key=key)
            )
        ledger = found.get("progress") or path.parent / f"progress-{key}.yaml"
        same = _same(ledger)
        if same in ledgers:
            raise SzbizError(
                _(
                    "{where}: the lists {first} and {second} both use the ledger {ledger}; "
                    "expected a ledger of its own for each list"
                ).format(where=at_progress, first=ledgers[same], second=key, ledger=ledger)
            )
        ledgers[same] = key
        out[key] = (found["tasks"], ledger)
    return out


def read_config(path: Path) -> Config:
    """What a szbiz.toml says (see :class:`Config`); SzbizError with its line if it is wrong."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SzbizError(
            _("{path}: not UTF-8 at byte {byte}; save it as UTF-8").format(
                path=path, byte=exc.start
            )
        ) from exc
    except OSError as exc:
        raise SzbizError(
            _("{path}: cannot read: {why}").format(path=path, why=strerror(exc))
        ) from exc
    import tomllib  # only when there is a szbiz.toml to read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = str(path)
        if m := re.search(_TOML_AT, message):
            where = f"{path}:{m.group(1)}:{m.group(2)}"
            message = message[: m.start()]
        elif m := re.search(_TOML_END, message):
            where = f"{path}:{text.count(chr(10)) + 1}"
            message = message[: m.start()] + _(" at the end of the file")
        raise SzbizError(
            _(
                '{where}: invalid TOML: {message}; expected lines like progress = "progress.yaml"'
            ).format(where=where, message=message[:1].lower() + message[1:])
        ) from exc
    paths: dict[str, Path] = {}
    for key, value in data.items():
        if key == LISTS:
            continue
        where = _where(path, text, key)
        if key not in _KEYS:
            raise _unknown_key(where, key, "top")
        _check_path(where, key, value)
        paths[key] = path.parent / Path(value).expanduser()
    lists: dict[str, tuple[Path, Path]] = {}
    if LISTS in data:
        lists = _read_lists(path, text, data[LISTS], paths)
    return Config(path, paths, lists)


def lists(cwd: Path | None = None) -> dict[str, tuple[Path, Path]]:
    """The lists the nearest szbiz.toml names by key, in its order: key → (task list,
    ledger). None without szbiz.toml, or when it names one list with top-level paths."""
    found = find_config(cwd if cwd is not None else Path.cwd())
    return dict(read_config(found).lists) if found is not None else {}


def _env_path(name: str, cwd: Path) -> Path | None:
    value = os.environ.get(name, "")
    if not value.strip():
        return None
    return cwd / Path(value).expanduser()


def _pick(list_option: str | None, config: Config | None, here: Path) -> tuple[str, str] | None:
    """The key of the list in use and why: ``--list``, SZBIZ_LIST, else the first list
    szbiz.toml names; None when it names none."""
    given, flag = list_option, "--list"
    if given is None and os.environ.get("SZBIZ_LIST", "").strip():
        given, flag = os.environ["SZBIZ_LIST"].strip(), "SZBIZ_LIST"
    if given is None:
        if config is None or not config.lists:
            return None
        first = next(iter(config.lists))
        return first, _("first in {config} at {path}").format(config=CONFIG_NAME, path=config.path)
    from szbiz.dates import shown

    if config is None:
        raise UsageError(
            _(
                "{flag} {key}: there is no {config} in {path} or a directory above it; "
                "name the lists in one, in tables like [lists.2021]"
            ).format(flag=flag, key=shown(given), config=CONFIG_NAME, path=here.absolute())
        )
    if given not in config.lists:
        if config.lists:
            text = _("unknown list {key!r}; {config} at {path} names {keys}")
        else:
            text = _(
                "unknown list {key!r}; {config} at {path} names no lists by key "
                "(give them tables like [lists.2021])"
            )
        raise UsageError(
            text.format(
                key=shown(given),
                config=CONFIG_NAME,
                path=config.path,
                keys=", ".join(config.lists),
            )
        )
    return given, flag


def resolve(
    progress_option: Path | None = None,
    tasks_option: Path | None = None,
    cwd: Path | None = None,
    list_option: str | None = None,
) -> Settings:
    """The list and ledger in use, and the reason for each (``cwd``: the working directory).

    ``list_option`` (``--list``) picks one of the lists szbiz.toml names by key; it and
    ``tasks_option`` would say the same thing twice."""
    here = cwd if cwd is not None else Path.cwd()
    if list_option is not None and tasks_option is not None:
        raise UsageError(_("--list and --tasks both name the task list; give one of them"))
    loaded: list[Config | None] = []

    def config() -> Config | None:
        """szbiz.toml, read when first needed: options may name every file."""
        if not loaded:
            found = find_config(here)
            loaded.append(read_config(found) if found is not None else None)
        return loaded[0]

    picked: tuple[str, str] | None = None
    if list_option is not None or os.environ.get("SZBIZ_LIST", "").strip():
        picked = _pick(list_option, config(), here)

    def from_config(key: str) -> tuple[Path, str] | None:
        nonlocal picked
        found = config()
        if found is None:
            return None
        place = _("{config} at {path}").format(config=CONFIG_NAME, path=found.path)
        if found.lists:
            if picked is None:
                picked = _pick(None, found, here)
            assert picked is not None
            tasks, ledger = found.lists[picked[0]]
            reason = _("list {key} in {place}").format(key=picked[0], place=place)
            return (tasks if key == "tasks" else ledger), reason
        path = found.paths.get(key)
        return (path, place) if path is not None else None

    def choose(option: Path | None, flag: str, env: str, key: str) -> tuple[Path, str] | None:
        """The first of option, environment and szbiz.toml that names a file, and which."""
        if option is not None:
            return here / option, flag
        if (path := _env_path(env, here)) is not None:
            return path, env
        return from_config(key)

    tasks, tasks_reason = choose(tasks_option, "--tasks", "SZBIZ_TASKS", "tasks") or (
        bundled_tasks(),
        _("bundled list"),
    )
    named = choose(progress_option, "--progress", "SZBIZ_PROGRESS", "progress")
    ledger, ledger_reason = named or (default_ledger(), _("per-user default"))
    if picked is None:
        return Settings(tasks, tasks_reason, ledger, ledger_reason, explicit=named is not None)
    found = config()
    others = tuple(k for k in (found.lists if found else ()) if k != picked[0])
    return Settings(
        tasks,
        tasks_reason,
        ledger,
        ledger_reason,
        explicit=named is not None,
        list_key=picked[0],
        list_reason=picked[1],
        other_lists=others,
    )


def _git_user() -> str:
    import subprocess

    command = ["git", "config", "user.name"]
    try:
        found = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return ""
    return found.stdout.decode("utf-8", "replace").strip() if found.returncode == 0 else ""


def _login() -> str:
    import getpass

    try:
        return getpass.getuser().strip()
    except Exception:  # OSError, KeyError: no login name and no passwd entry
        return ""


def who(by: str | None) -> str:
    """Who records: ``--by``, else SZBIZ_USER, else git's user.name, else the login name.

    A name holds no control or bidi character (a tab and a line break included): no
    name needs one, and it would go into the ledger for every reader to print.
    """
    if by is not None:
        if not by.strip():
            raise UsageError(
                _(
                    "--by is empty; give a name, or leave it out to use SZBIZ_USER "
                    "or git's user.name"
                )
            )
        return _plain(by.strip(), "--by")
    sources: tuple[tuple[str, Callable[[], str]], ...] = (
        ("SZBIZ_USER", lambda: os.environ.get("SZBIZ_USER", "").strip()),
        (N_("git's user.name"), _git_user),
        (N_("the login name"), _login),
    )
    for source, name in sources:
        found = name()
        if found:
            return _plain(found, _(source))
    return "unknown"


def _plain(name: str, source: str) -> str:
    from szbiz.render.safe import describe, unsafe

    bad = unsafe(name)
    if bad:
        if source == "--by":
            text = _("{source} holds the {char}; a name needs no control or bidi character")
        else:
            text = _(
                "{source} holds the {char}; a name needs no control or bidi character: "
                "give --by NAME, or set SZBIZ_USER to a plain name"
            )
        raise UsageError(text.format(source=source, char=describe(bad[0])))
    return name
