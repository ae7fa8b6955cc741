"""Where szbiz's files live (the task list and ledger in use, and the cache), and who records.

The ledger: ``--progress`` > SZBIZ_PROGRESS > the nearest ``szbiz.toml`` from
the working directory upward > the per-user default. The list: ``--tasks`` >
SZBIZ_TASKS > ``szbiz.toml`` > the list bundled with szbiz. Paths in
``szbiz.toml`` are relative to its own directory; paths from options and the
environment to the working directory. The cache: SZBIZ_CACHE_DIR, else the
per-user cache directory.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable
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


@dataclass(frozen=True)
class Settings:
    """The files in use and why each was chosen."""

    tasks: Path
    tasks_reason: str
    ledger: Path
    ledger_reason: str
    explicit: bool  # the ledger was named by option, environment or szbiz.toml

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
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\[\s*{re.escape(key)}\s*\])\s*(?:=|$)")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return f"{path}:{number}"
    return str(path)


def read_config(path: Path) -> dict[str, Path]:
    """The paths a szbiz.toml names, made absolute against its directory."""
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
    out: dict[str, Path] = {}
    for key, value in data.items():
        where = _where(path, text, key)
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = _("did you mean {key!r}? ").format(key=close[0]) if close else ""
            raise SzbizError(
                _("{where}: unknown key {key!r}; {hint}expected {keys}").format(
                    where=where, key=key, hint=hint, keys=_(" or ").join(_KEYS)
                )
            )
        if not isinstance(value, str) or not value.strip():
            example = LEDGER_NAME if key == "progress" else "tasks.yaml"
            raise SzbizError(
                _('{where}: {key} must be a path in quotes, like {key} = "{example}"').format(
                    where=where, key=key, example=example
                )
            )
        out[key] = path.parent / Path(value).expanduser()
    return out


def _env_path(name: str, cwd: Path) -> Path | None:
    value = os.environ.get(name, "")
    if not value.strip():
        return None
    return cwd / Path(value).expanduser()


def resolve(
    progress_option: Path | None = None, tasks_option: Path | None = None, cwd: Path | None = None
) -> Settings:
    """The list and ledger in use, and the reason for each (``cwd``: the working directory)."""
    here = cwd if cwd is not None else Path.cwd()
    config: dict[str, Path] | None = None
    config_path: Path | None = None

    def from_config(key: str) -> Path | None:
        nonlocal config, config_path
        if config is None:
            config_path = find_config(here)
            config = read_config(config_path) if config_path is not None else {}
        return config.get(key)

    def choose(option: Path | None, flag: str, env: str, key: str) -> tuple[Path, str] | None:
        """The first of option, environment and szbiz.toml that names a file, and which."""
        if option is not None:
            return here / option, flag
        if (path := _env_path(env, here)) is not None:
            return path, env
        if (path := from_config(key)) is not None:
            return path, _("{config} at {path}").format(config=CONFIG_NAME, path=config_path)
        return None

    tasks, tasks_reason = choose(tasks_option, "--tasks", "SZBIZ_TASKS", "tasks") or (
        bundled_tasks(),
        _("bundled list"),
    )
    named = choose(progress_option, "--progress", "SZBIZ_PROGRESS", "progress")
    ledger, ledger_reason = named or (default_ledger(), _("per-user default"))
    return Settings(tasks, tasks_reason, ledger, ledger_reason, explicit=named is not None)


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
