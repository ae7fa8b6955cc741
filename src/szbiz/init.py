"""``szbiz init``: set a team repository up for a shared ledger.

The ledger holds one event per line and is only ever appended to, so git's
``merge=union`` driver merges two branches that both recorded progress into a
ledger that holds the events of both.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

from szbiz.errors import SzbizError
from szbiz.i18n import _, strerror
from szbiz.settings import CONFIG_NAME, LEDGER_NAME

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
    """A small UTF-8 file's bytes and text; None if there is none. It must be a regular
    file that szbiz could replace (through a symlink, the file it ends at)."""
    from szbiz.files import Refused, read_regular, write_target
    from szbiz.settings import MAX_BYTES

    try:
        data = read_regular(path, MAX_BYTES, _("a text file"))
    except FileNotFoundError:
        write_target(path)  # a directory to write it in, and the right to
        return None
    except Refused as exc:
        why = exc.reason.removeprefix(_("cannot read: {why}").format(why=""))
        raise SzbizError(_("cannot read {path}: {why}").format(path=path, why=why)) from None
    write_target(path)
    try:
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SzbizError(
            _("cannot read {path}: not UTF-8 at byte {byte}").format(path=path, byte=exc.start)
        ) from exc


def _with_line(old: bytes, line: str) -> bytes:
    """``old`` byte for byte, then ``line`` on a line of its own, with the file's line ends."""
    eol = b"\r\n" if b"\r\n" in old else b"\n"
    if old and not old.endswith(b"\n"):
        old += eol
    return old + line.encode("utf-8") + eol


def _existing_ledger(ledger: Path) -> None:
    """Refuse a ledger there that is no regular file: szbiz.toml would name it."""
    from szbiz.files import not_regular, what_is

    odd = what_is(ledger)
    if odd is not None:
        raise SzbizError(
            _("cannot set up {path}: it {why}").format(
                path=ledger, why=not_regular(odd, _("a ledger"))
            )
        )


def init_project(directory: Path) -> list[Path]:
    """Set ``directory`` up for a shared ledger; the files written or changed.

    Writes szbiz.toml and an empty progress.yaml, makes .gitattributes merge
    the ledger with merge=union, and makes .gitignore ignore the ledger's lock
    file (progress.yaml.lock, which szbiz leaves in place) and the temporary
    files of a write that was killed (.progress.yaml.*.tmp, removed by the next
    write). Never replaces a file: an existing szbiz.toml is refused, an
    existing ledger kept, a line added to .gitattributes or .gitignore only if
    missing. Only regular files are read or written (through a symlink, the
    file it ends at).
    """
    from szbiz.atomic import atomic_write, temporary_pattern
    from szbiz.files import write_target
    from szbiz.ledger import ledger_text, lock_path

    if not directory.is_dir():
        raise SzbizError(_("cannot set up {path}: no such directory").format(path=directory))
    config = directory / CONFIG_NAME
    ledger = directory / LEDGER_NAME
    attributes = directory / ".gitattributes"
    ignore = directory / ".gitignore"
    if config.exists():
        raise SzbizError(
            _("{path} already exists; szbiz init leaves it as it is").format(path=config)
        )
    # Everything is read and checked before anything is written: a file that
    # cannot be read or written stops init with nothing changed.
    if not config.is_symlink():  # a dangling link there: refused below as existing
        write_target(config)
    _existing_ledger(ledger)
    old_attributes = _read_existing(attributes)
    old_ignore = _read_existing(ignore)
    ignored = (lock_path(ledger).name, temporary_pattern(ledger.name))
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
        old = old_ignore[0] if old_ignore else b""
        missing = [
            name
            for name in ignored
            # The pattern itself stands for every temporary file it names.
            if old_ignore is None or not _ignores(old_ignore[1], name.replace("*", "x"))
        ]
        if missing:
            for name in missing:
                old = _with_line(old, name)
            atomic_write(ignore, old)
            written.append(ignore)
    except FileExistsError as exc:  # another szbiz init got there first
        raise SzbizError(
            _("{path} already exists; szbiz init leaves it as it is").format(path=config)
        ) from exc
    except OSError as exc:
        why = _("permission denied") if isinstance(exc, PermissionError) else strerror(exc)
        raise SzbizError(_("cannot write {path}: {why}").format(path=target, why=why)) from exc
    return written
