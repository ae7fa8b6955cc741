"""The language szbiz speaks to a person: Chinese (zh) or English (en).

Every line a person reads goes through ``_`` (or ``ngettext``); the English
text is the message id, so English needs no catalog and costs one function
call. Chinese comes from the compiled gettext catalog
``locale/zh_CN/LC_MESSAGES/szbiz.mo`` next to this module (built from the
``.po`` by Babel when the package is built).

The language is, in order: ``szbiz --lang zh|en``; ``SZBIZ_LANG=zh|en``; the
POSIX locale (the first set of LC_ALL, LC_MESSAGES, LANG: ``zh…`` is
Chinese); on Windows the user's UI language; else English.

click's and typer's own messages (usage errors, ``Show this message and
exit.``, the help panels' titles) go through ``gettext.gettext`` with the
default domain: for Chinese that domain is bound to our ``click`` catalog.

What machines read never changes with the language: JSON keys and values,
``--format ids``, exit codes, lint's rule ids, the TSV/CSV headers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gettext import GNUTranslations

LANGUAGES = ("zh", "en")
DOMAIN = "szbiz"
# click's and typer's message ids, translated in a catalog of their own.
CLICK_DOMAIN = "click"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
CATALOG_LANGUAGE = "zh_CN"

_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


class _English:
    """The message ids themselves: what a missing catalog leaves."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


class _Catalog:
    """A catalog read when its first message is translated: a command that says nothing
    in words (``--format ids``) does not pay for it."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.read: GNUTranslations | _English | None = None

    def _catalog(self) -> GNUTranslations | _English:
        if self.read is None:
            self.read = _load(self.domain) or _English()
        return self.read

    def gettext(self, message: str) -> str:
        return self._catalog().gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog().ngettext(singular, plural, n)


class _State:
    chosen: str | None = None  # the language decided, None before the first message
    catalog: _Catalog | None = None  # None: English, the message ids themselves
    saved_language: str | None = None  # LANGUAGE as it was before Chinese was bound for click
    bound: bool = False


_state = _State()


def N_(message: str) -> str:  # the name gettext's tools know
    """Mark ``message`` for the catalog without translating it now (help text, labels):
    it is translated with ``_`` where it is shown."""
    return message


def _(message: str) -> str:
    """``message`` in the language chosen."""
    if _state.chosen is None:
        setup()
    catalog = _state.catalog
    return message if catalog is None else catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` for ``n``, in the language chosen."""
    if _state.chosen is None:
        setup()
    catalog = _state.catalog
    if catalog is None:
        return singular if n == 1 else plural
    return catalog.ngettext(singular, plural, n)


# What the system says of the commonest failures, for Chinese: its own words are English.
_ERRNO_TEXTS = {
    "ENOENT": N_("No such file or directory"),
    "EACCES": N_("Permission denied"),
    "EPERM": N_("Operation not permitted"),
    "EISDIR": N_("Is a directory"),
    "ENOTDIR": N_("Not a directory"),
    "ENOSPC": N_("No space left on device"),
    "EROFS": N_("Read-only file system"),
    "EEXIST": N_("File exists"),
    "ENAMETOOLONG": N_("File name too long"),
    "ELOOP": N_("Too many levels of symbolic links"),
    "EBUSY": N_("Device or resource busy"),
    "EIO": N_("Input/output error"),
    "EINVAL": N_("Invalid argument"),
}


def strerror(exc: OSError) -> str:
    """What the system says went wrong (``Permission denied``), in the language chosen."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _ERRNO_TEXTS and lang() != "en":
        return _(_ERRNO_TEXTS[name])
    return str(exc.strerror or exc)


def lang() -> str:
    """The language chosen: ``"zh"`` or ``"en"``."""
    if _state.chosen is None:
        setup()
    return _state.chosen or "en"


def option(args: Sequence[str]) -> str | None:
    """The value of ``--lang`` among szbiz's own options (those before the command)."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if not arg.startswith("-"):  # the command: its options are its own
            return None
    return None


def choose(args: Sequence[str] = ()) -> str:
    """The language for a run of szbiz with ``args``, and where it is decided."""
    asked = option(args)
    if asked in LANGUAGES:
        return str(asked)
    forced = os.environ.get("SZBIZ_LANG", "").strip().lower()
    if forced in LANGUAGES:
        return forced
    for name in _LOCALE_VARIABLES:
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    if os.name == "nt":  # pragma: no cover - Windows only
        return _windows_language()
    return "en"


def _windows_language() -> str:  # pragma: no cover - Windows only
    """The user's Windows UI language: Chinese when its primary language is 0x04."""
    import ctypes

    try:
        langid = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return "en"
    return "zh" if langid & 0x3FF == 0x04 else "en"


def setup(args: Sequence[str] = ()) -> str:
    """Decide the language for a run with ``args`` (the environment as it is now) and load
    its catalogs; returns the language. Called again, it decides again."""
    use(choose(args))
    return _state.chosen or "en"


def use(language: str) -> None:
    """Speak ``language`` (``zh`` or ``en``) from now on, click's and typer's messages too."""
    _state.chosen = language if language in LANGUAGES else "en"
    if _state.chosen == "zh":
        _state.catalog = _Catalog(DOMAIN)
        _bind_click(True)
    else:
        _state.catalog = None
        _bind_click(False)


def _catalog_file(domain: str) -> Path | None:
    """The compiled catalog of ``domain``: shipped in the wheel, or, in a checkout (an
    editable install), compiled from its ``.po`` when missing or older than it."""
    folder = LOCALE_DIR / CATALOG_LANGUAGE / "LC_MESSAGES"
    compiled, source = folder / f"{domain}.mo", folder / f"{domain}.po"
    try:
        if source.is_file() and (
            not compiled.is_file() or compiled.stat().st_mtime < source.stat().st_mtime
        ):
            from szbiz.catalogs import compile_catalog

            compile_catalog(source, compiled)
    except (ImportError, OSError):  # no Babel, or a read-only checkout: as it is
        pass
    return compiled if compiled.is_file() else None


def _load(domain: str) -> GNUTranslations | None:
    path = _catalog_file(domain)
    if path is None:
        return None
    from gettext import GNUTranslations

    with path.open("rb") as stream:
        return GNUTranslations(stream)


def _bind_click(chinese: bool) -> None:
    """click and typer call ``gettext.gettext``: the default domain, whose language gettext
    takes from LANGUAGE/LC_ALL/LC_MESSAGES/LANG. Bind it to our ``click`` catalog and say
    zh_CN in LANGUAGE for Chinese; put both back for English."""
    if not chinese and not _state.bound:
        return
    import gettext

    if chinese:
        path = _catalog_file(CLICK_DOMAIN)
        if path is None:
            return
        if not _state.bound:
            _state.saved_language = os.environ.get("LANGUAGE")
        gettext.bindtextdomain(CLICK_DOMAIN, str(path.parent.parent.parent))
        gettext.textdomain(CLICK_DOMAIN)
        os.environ["LANGUAGE"] = CATALOG_LANGUAGE
        _state.bound = True
        return
    gettext.textdomain("messages")
    if _state.saved_language is None:
        os.environ.pop("LANGUAGE", None)
    else:
        os.environ["LANGUAGE"] = _state.saved_language
    _state.bound = False


def reset() -> None:
    """Forget the language chosen (the next message decides again) and unbind click's."""
    _bind_click(False)
    _state.chosen = None
    _state.catalog = None


__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "choose",
    "lang",
    "ngettext",
    "option",
    "reset",
    "setup",
    "strerror",
    "use",
]
