"""What szbiz may read and write: regular files, and nothing else.

Every file a user names (the task list, the ledger, ``-o FILE``, the files of
``szbiz init``) passes through here. Reading refuses a FIFO, a device, a
socket or a directory before opening it, opens without blocking (a FIFO
swapped in meanwhile cannot hang the command), checks again what was opened,
and reads at most a cap. Writing follows a symlink to the file it ends at and
replaces that file, so the link stays a link, as an editor keeps it; it refuses
anything but a regular file, and a file the user could not write with ``>``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from szbiz.errors import ExitCode, SzbizError
from szbiz.i18n import N_, _, strerror

MIB = 1024 * 1024

# Open for reading without waiting for a writer (a FIFO), without making a
# terminal ours, and in binary on Windows: each where the system has it.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)

# What a file is, as a message id: compared as it is, shown translated.
DIRECTORY = N_("a directory")
_KINDS = (
    (stat.S_ISDIR, DIRECTORY),
    (stat.S_ISFIFO, N_("a FIFO")),
    (stat.S_ISCHR, N_("a character device")),
    (stat.S_ISBLK, N_("a block device")),
    (stat.S_ISSOCK, N_("a socket")),
)


class Refused(SzbizError):
    """A file szbiz will not read or write.

    ``message`` names the file; ``reason`` says why without naming it, for a
    caller that reports the file in a place of its own (a lint problem).
    """

    def __init__(self, message: str, reason: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message, exit_code)
        self.reason = reason


def kind(mode: int) -> str | None:
    """What a file of ``mode`` is when it is not a regular file (``a FIFO``); None if it is."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), N_("a special file"))


def size_text(size: int) -> str:
    """``256 MiB``, or a number of bytes below one MiB."""
    if size >= MIB and size % MIB == 0:
        return f"{size // MIB} MiB"
    return _("{size} bytes").format(size=f"{size:,}")


def not_regular(what: str, expected: str) -> str:
    """Why a file that is ``what`` (``a FIFO``) is refused where ``expected`` belongs."""
    if what == DIRECTORY:
        return _("is a directory; expected {expected}").format(expected=expected)
    return _("is {what}, not a regular file; expected {expected}").format(
        what=_(what), expected=expected
    )


def _why(exc: OSError | ValueError) -> str:
    if isinstance(exc, PermissionError):
        return _("permission denied")
    why = strerror(exc) if isinstance(exc, OSError) else str(exc)
    return why[:1].lower() + why[1:]


def read_regular(path: Path, cap: int, expected: str) -> bytes:
    """The bytes of the regular file at ``path`` (through symlinks), at most ``cap`` of them.

    Raises FileNotFoundError when there is no file (nor at a symlink's end):
    what that means is the caller's to say (no ledger yet; a list is missing).
    Raises Refused, its reason like ``is a FIFO, not a regular file; expected
    a ledger`` (``expected`` says what should be there), for anything else
    that stops the read: not a regular file, larger than ``cap``, unreadable.
    """

    def refuse(reason: str) -> Refused:
        return Refused(f"{path}: {reason}", reason)

    def too_large() -> Refused:
        return refuse(
            _("is larger than {size}; expected {expected}").format(
                size=size_text(cap), expected=expected
            )
        )

    try:
        # Looked at before it is opened: opening a device can do things of its own.
        what = kind(os.stat(path).st_mode)
        if what is not None:
            raise refuse(not_regular(what, expected))
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a path holding a NUL
        raise refuse(_("cannot read: {why}").format(why=_why(exc))) from None
    try:
        found = os.fstat(fd)  # what was opened, should another file have taken its place
        what = kind(found.st_mode)
        if what is not None:
            raise refuse(not_regular(what, expected))
        if found.st_size > cap:
            raise too_large()
        want = cap + 1  # one byte more tells a file that grew past the cap
        parts: list[bytes] = []
        got = 0
        while got < want:
            chunk = os.read(fd, min(want - got, max(found.st_size + 1 - got, 1 << 16)))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise refuse(_("cannot read: {why}").format(why=_why(exc))) from None
    finally:
        os.close(fd)
    if got > cap:
        raise too_large()
    return b"".join(parts)


def what_is(path: Path) -> str | None:
    """What ``path`` is when it is there but not a regular file (``a FIFO``); None when it is
    a regular file, missing, or cannot be looked at (reading it will say why)."""
    try:
        return kind(os.stat(path).st_mode)
    except (OSError, ValueError):
        return None


def write_target(path: Path) -> Path:
    """The file that writing ``path`` replaces: ``path``, or the file its symlinks end at.

    Raises Refused when that is no regular file the user could write with
    ``>``: a directory, FIFO, device or socket, or a new file whose directory
    does not exist, exit 2 (the name is wrong); a file or directory the system
    would not let the user write, exit 1. Root, who may write a read-only
    file, may replace one here too; the system judges, not the mode bits.
    """

    def refuse(reason: str, code: ExitCode = ExitCode.PROBLEMS) -> Refused:
        return Refused(_("cannot write {path}: {why}").format(path=path, why=reason), reason, code)

    try:
        # What is there, through any symlinks: /dev/stdout is the pipe or terminal it
        # stands for, which no name that os.path.realpath could give would show.
        found: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        found = None
    except (OSError, ValueError) as exc:
        raise refuse(_why(exc)) from None
    if found is not None:
        what = kind(found.st_mode)
        if what == DIRECTORY:
            raise refuse(_("it is a directory"), ExitCode.USAGE)
        if what is not None:
            raise refuse(_("it is {what}, not a regular file").format(what=_(what)), ExitCode.USAGE)
        if not os.access(path, os.W_OK):
            raise refuse(_("permission denied"))
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if found is not None:
        return target
    directory = target.parent
    try:
        is_dir = stat.S_ISDIR(os.stat(directory).st_mode)
    except FileNotFoundError:
        raise refuse(
            _("the directory {path} does not exist").format(path=directory), ExitCode.USAGE
        ) from None
    except (OSError, ValueError) as exc:
        raise refuse(_why(exc)) from None
    if not is_dir:
        raise refuse(_("{path} is not a directory").format(path=directory), ExitCode.USAGE)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise refuse(_("permission denied"))
    return target


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: by name, through symlinks, or as hard links."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)
