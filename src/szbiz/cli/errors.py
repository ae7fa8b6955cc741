"""The one place where an error becomes a line on stderr and an exit code.

szbiz's own errors (``SzbizError`` and its kinds) carry their message and exit
code; click's and typer's usage errors are ``typer.TyperException``\\ s with an
``exit_code`` and ``format_message()``. A file the system refuses is one line
with the file's name; anything else is a bug: one line asking for a report. A
reader of stdout that went away (``szbiz list | head``) is no error at all.
With ``--debug`` (or SZBIZ_DEBUG=1) the error is raised instead, traceback and all.
"""

from __future__ import annotations

import errno
import itertools
import os
import sys
from collections.abc import Sequence

import typer

from szbiz.errors import ExitCode, SzbizError
from szbiz.i18n import N_, _, lang, strerror

INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C


def debugging(args: Sequence[str]) -> bool:
    """``szbiz --debug COMMAND …`` or SZBIZ_DEBUG=1: show tracebacks."""
    if os.environ.get("SZBIZ_DEBUG", "") not in ("", "0"):
        return True
    # --debug is an option of szbiz itself: it comes before the command.
    return "--debug" in itertools.takewhile(lambda arg: arg.startswith("-"), args)


def exit_code(exc: BaseException, command: str = "szbiz") -> int:
    """Say what went wrong in one line on stderr, and return the exit code for it."""
    if _reader_gone(exc):
        return 0
    code = int(ExitCode.PROBLEMS)
    if isinstance(exc, SzbizError):
        message, code = exc.message, int(exc.exit_code)
    elif isinstance(exc, KeyboardInterrupt | typer.Abort):
        message, code = _("interrupted"), INTERRUPTED
    elif isinstance(exc, typer.TyperException):  # click's usage errors among them
        ctx = getattr(exc, "ctx", None)
        where = getattr(ctx, "command_path", None) or command
        message = _("{message} (see '{command} --help')").format(
            message=usage_message(exc.format_message()), command=where
        )
        code = exc.exit_code
    elif isinstance(exc, OSError):
        message = strerror(exc) + (f": {exc.filename}" if exc.filename else "")
    else:
        message = _(
            "internal error ({error}); run again with --debug for the traceback, "
            "and please report it"
        ).format(error=f"{type(exc).__name__}: {exc}")
    from szbiz.render.safe import terminal

    # The message may quote what was typed or read (a name, a path, a title): one line,
    # and nothing in it drives the terminal.
    sys.stderr.write(_("error: {message}").format(message=terminal(message)) + "\n")
    sys.stderr.flush()
    return code


# click's own usage errors, which it writes in English without gettext: each as a pattern of
# its text and the message id it is said with (typer's, such as ``No such command``, are
# translated by gettext already, before the suggestion typer adds).
CLICK_MESSAGES = (
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)",
        N_("No such option: {name} (possible options: {options})"),
    ),
    (r"No such option: (?P<name>.*)", N_("No such option: {name}")),
    (
        r"(?P<message>.*?)[.。] Did you mean (?P<matches>.*)\?",
        N_("{message}. Did you mean {matches}?"),
    ),
    (r"Missing argument (?P<name>.*)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.*)\.", N_("Missing option {name}.")),
    (
        r"Invalid value for (?P<name>.*?): (?P<value>'.*') is not one of (?P<choices>.*)\.",
        N_("Invalid value for {name}: {value} is not one of {choices}."),
    ),
    (r"Invalid value for (?P<name>.*?): (?P<reason>.*)", N_("Invalid value for {name}: {reason}")),
    (r"Option (?P<name>.*) requires an argument\.", N_("Option {name} requires an argument.")),
    (
        r"Option (?P<name>.*) requires (?P<count>\d+) arguments\.",
        N_("Option {name} requires {count} arguments."),
    ),
    (r"Option (?P<name>.*) does not take a value\.", N_("Option {name} does not take a value.")),
    (
        r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
        N_("Got unexpected extra argument(s) ({args})"),
    ),
)


def usage_message(text: str) -> str:
    """click's usage error ``text`` in the language chosen (click's English when none fits)."""
    if lang() == "en":
        return text
    import re

    for pattern, message in CLICK_MESSAGES:
        found = re.fullmatch(pattern, text, re.DOTALL)
        if found:
            fields = found.groupdict()
            if "message" in fields:  # typer's message, already translated, ends in its own stop
                fields["message"] = fields["message"].rstrip(".。")
            return _(message).format(**fields)
    return text


def _reader_gone(exc: BaseException) -> bool:
    """The reader of stdout (head, more, findstr) went away: stop quietly.

    Standard output then points at the null device, so that Python does not
    complain when it flushes at exit. Windows says EINVAL where POSIX says EPIPE.
    """
    if not isinstance(exc, OSError) or exc.errno not in (errno.EPIPE, errno.EINVAL):
        return False
    if exc.filename is not None:  # a file, not the pipe
        return False
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return True
