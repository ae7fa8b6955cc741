"""Where the task list and the progress ledger live, and ``szbiz init``.

The ledger: ``--progress`` > SZBIZ_PROGRESS > the nearest ``szbiz.toml`` from
the working directory upward > the per-user default. The list: ``--tasks`` >
SZBIZ_TASKS > ``szbiz.toml`` > the bundled list. Paths in ``szbiz.toml`` are
relative to its own directory; paths from options and the environment to the
working directory.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path

from szbiz.errors import SzbizError

CONFIG_NAME = "szbiz.toml"
LEDGER_NAME = "progress.yaml"
GITATTRIBUTES_LINE = f"{LEDGER_NAME} merge=union"

CONFIG_TEXT = f"""\
# szbiz settings for this directory and every directory below it.
# Paths are relative to this file.

# The progress ledger: every status change of a task, one event per line.
# It is append-only; .gitattributes merges it with merge=union.
progress = "{LEDGER_NAME}"

# The task list. Left out, szbiz uses the list it ships with.
# tasks = "tasks.yaml"
"""

_KEYS = ("progress", "tasks")


@dataclass(frozen=True)
class Settings:
    """The files in use and why each was chosen."""

    tasks: Path | None  # None: the bundled list
    tasks_reason: str
    ledger: Path
    ledger_reason: str
    explicit: bool  # the ledger was named by option, environment or szbiz.toml

    def ledger_for_writing(self) -> Path:
        """The ledger's path, its directory created if it is the per-user default.

        A ledger named explicitly is left alone: a missing directory there is more
        likely a typo, and writing reports it.
        """
        if not self.explicit:
            try:
                self.ledger.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                why = exc.strerror or str(exc)
                raise SzbizError(
                    f"cannot create {self.ledger.parent} for the ledger: {why}"
                ) from exc
        return self.ledger


def default_ledger() -> Path:
    """The per-user ledger: the platform's data directory (XDG_DATA_HOME on Linux)."""
    from szbiz.paths import user_dir

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
        raise SzbizError(f"{path}: not UTF-8 at byte {exc.start}; save it as UTF-8") from exc
    except OSError as exc:
        raise SzbizError(f"{path}: cannot read: {exc.strerror or exc}") from exc
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
            message = message[: m.start()] + " at the end of the file"
        raise SzbizError(
            f"{where}: invalid TOML: {message[:1].lower()}{message[1:]}; "
            'expected lines like progress = "progress.yaml"'
        ) from exc
    out: dict[str, Path] = {}
    for key, value in data.items():
        where = _where(path, text, key)
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise SzbizError(f"{where}: unknown key {key!r}; {hint}expected {' or '.join(_KEYS)}")
        if not isinstance(value, str) or not value.strip():
            example = LEDGER_NAME if key == "progress" else "tasks.yaml"
            raise SzbizError(f'{where}: {key} must be a path in quotes, like {key} = "{example}"')
        out[key] = path.parent / Path(value).expanduser()
    return out


def _env_path(name: str, cwd: Path) -> Path | None:
    value = os.environ.get(name, "")
    if not value.strip():
        return None
    return cwd / Path(value).expanduser()


def resolve(progress_option: Path | None, tasks_option: Path | None, cwd: Path) -> Settings:
    """The list and ledger in use, and the reason for each."""
    config: dict[str, Path] | None = None
    config_path: Path | None = None

    def from_config(key: str) -> Path | None:
        nonlocal config, config_path
        if config is None:
            config_path = find_config(cwd)
            config = read_config(config_path) if config_path is not None else {}
        return config.get(key)

    def choose(option: Path | None, flag: str, env: str, key: str) -> tuple[Path, str] | None:
        """The first of option, environment and szbiz.toml that names a file, and which."""
        if option is not None:
            return cwd / option, flag
        if (path := _env_path(env, cwd)) is not None:
            return path, env
        if (path := from_config(key)) is not None:
            return path, f"{CONFIG_NAME} at {config_path}"
        return None

    tasks, tasks_reason = choose(tasks_option, "--tasks", "SZBIZ_TASKS", "tasks") or (
        None,
        "bundled list",
    )
    named = choose(progress_option, "--progress", "SZBIZ_PROGRESS", "progress")
    ledger, ledger_reason = named or (default_ledger(), "per-user default")
    return Settings(tasks, tasks_reason, ledger, ledger_reason, explicit=named is not None)


def _has_union_line(text: str) -> bool:
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] in (LEDGER_NAME, "/" + LEDGER_NAME) and "merge=union" in fields:
            return True
    return False


def _ignores(text: str, name: str) -> bool:
    """Whether a .gitignore already ignores the file ``name`` beside it.

    Reads the patterns that can name a file in this directory (no slash but a
    leading one); the last that matches wins, as in git, so ``!`` is honoured.
    """
    ignored = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:] if negated else line
        pattern = pattern.removeprefix("/")
        if "/" in pattern:
            continue
        if fnmatch.fnmatchcase(name, pattern):
            ignored = not negated
    return ignored


def _read_existing(path: Path) -> tuple[bytes, str] | None:
    """A small UTF-8 file's bytes and text; None if there is none."""
    if not path.exists():
        return None
    try:
        data = path.read_bytes()
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SzbizError(f"cannot read {path}: not UTF-8 at byte {exc.start}") from exc
    except OSError as exc:
        why = "permission denied" if isinstance(exc, PermissionError) else exc.strerror or exc
        raise SzbizError(f"cannot read {path}: {why}") from exc


def _with_line(old: bytes, line: str) -> bytes:
    """``old`` byte for byte, then ``line`` on a line of its own, with the file's line ends."""
    eol = b"\r\n" if b"\r\n" in old else b"\n"
    if old and not old.endswith(b"\n"):
        old += eol
    return old + line.encode("utf-8") + eol


def init_project(directory: Path) -> list[Path]:
    """Set ``directory`` up for a shared ledger; the files written or changed.

    Writes szbiz.toml and an empty progress.yaml, makes .gitattributes merge
    the ledger with merge=union, and makes .gitignore ignore the ledger's lock
    file (progress.yaml.lock, which szbiz leaves in place). Never replaces a
    file: an existing szbiz.toml is refused, an existing ledger kept, a line
    added to .gitattributes or .gitignore only if missing.
    """
    from szbiz.atomic import atomic_write
    from szbiz.progress import ledger_text, lock_path

    if not directory.is_dir():
        raise SzbizError(f"cannot set up {directory}: no such directory")
    config = directory / CONFIG_NAME
    ledger = directory / LEDGER_NAME
    attributes = directory / ".gitattributes"
    ignore = directory / ".gitignore"
    if config.exists():
        raise SzbizError(f"{config} already exists; szbiz init leaves it as it is")
    # Both are read before anything is written: a file that cannot be read stops
    # init with nothing changed.
    old_attributes = _read_existing(attributes)
    old_ignore = _read_existing(ignore)
    lock_name = lock_path(ledger).name
    written: list[Path] = []
    target = config
    try:
        with config.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(CONFIG_TEXT)
        written.append(config)
        target = ledger
        if not ledger.exists():
            atomic_write(ledger, ledger_text(()).encode("utf-8"))
            written.append(ledger)
        target = attributes
        if old_attributes is None or not _has_union_line(old_attributes[1]):
            old = old_attributes[0] if old_attributes else b""
            atomic_write(attributes, _with_line(old, GITATTRIBUTES_LINE))
            written.append(attributes)
        target = ignore
        if old_ignore is None or not _ignores(old_ignore[1], lock_name):
            old = old_ignore[0] if old_ignore else b""
            atomic_write(ignore, _with_line(old, lock_name))
            written.append(ignore)
    except FileExistsError as exc:  # another szbiz init got there first
        raise SzbizError(f"{config} already exists; szbiz init leaves it as it is") from exc
    except OSError as exc:
        why = "permission denied" if isinstance(exc, PermissionError) else exc.strerror or exc
        raise SzbizError(f"cannot write {target}: {why}") from exc
    return written
