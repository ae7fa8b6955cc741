"""Agencies as people type them: canonical name, alias, a unique part, or pinyin code."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from szbiz.errors import UsageError
from szbiz.i18n import _
from szbiz.model import Agency, TaskList
from szbiz.text import normalize_name

# Prefixes a pinyin code may carry or leave out: sswj and swj both mean 市税务局.
_PREFIX_CODES = (("深圳", "sz"), ("市", "s"))


class AgencyError(UsageError):
    """An agency that cannot be resolved; the message lists candidates or suggestions."""


def spellings(agency: Agency) -> tuple[str, ...]:
    return (agency.name, *agency.aliases)


def _codes(agency: Agency) -> set[str]:
    """Every code that means the agency: its own and its other spellings' initials,
    each with or without the 市/深圳 prefix (swj, sswj)."""
    codes: set[str] = set()
    for code in (agency.code, *agency.alias_codes):
        if not code:
            continue
        codes.add(code)
        for prefix, letters in _PREFIX_CODES:
            if agency.name.startswith(prefix):
                codes.add(letters + code)
    return codes


def _names(agencies: Iterable[Agency]) -> str:
    names = [a.name for a in agencies]
    shown = "、".join(names[:8])
    return shown + (_(" … ({count} in all)").format(count=len(names)) if len(names) > 8 else "")


def resolve(query: str, tasks: TaskList) -> Agency:
    """The one agency ``query`` means.

    Tried in order: a canonical name or alias (spaces and half-width brackets
    forgiven), a pinyin code with or without its 市/深圳 prefix (``swj``,
    ``sswj``), then a part of a name or alias that only one agency has
    (``税务``). Raises AgencyError listing the candidates when several match,
    or the closest names when none does.
    """
    text = normalize_name(query)
    if not text:
        raise AgencyError(_("an empty agency name"))
    for agency in tasks.agencies:
        if text in (normalize_name(s) for s in spellings(agency)):
            return agency
    lowered = text.lower()
    by_code = [a for a in tasks.agencies if lowered in _codes(a)]
    if len(by_code) == 1:
        return by_code[0]
    partial = [a for a in tasks.agencies if any(text in normalize_name(s) for s in spellings(a))]
    if len(partial) == 1:
        return partial[0]
    # 市场监管 means 市市场监管局 rather than 市、区市场监管领域相关部门: the short
    # forms people say, with the 市 prefix or the 局 suffix left off.
    short = {text, "市" + text, text + "局", "市" + text + "局"}
    shortened = [a for a in partial if a.name in short]
    if len(shortened) == 1:
        return shortened[0]
    candidates = by_code or partial
    if candidates:
        raise AgencyError(
            _("{text!r} matches {count} agencies: {names}; give more of the name").format(
                text=query, count=len(candidates), names=_names(candidates)
            )
        )
    close = suggest(query, tasks)
    if close:
        raise AgencyError(
            _("unknown agency {text!r}; did you mean {names}?").format(
                text=query, names=_(" or ").join(close)
            )
        )
    raise AgencyError(_("unknown agency {text!r}").format(text=query))


def suggest(query: str, tasks: TaskList) -> list[str]:
    """The names closest to ``query`` (at most three), for a did-you-mean."""
    text = query.strip()
    # Latin letters are compared with pinyin codes, anything else with names.
    latin = text.isascii()
    if latin:
        choices = {a.code: a for a in tasks.agencies if a.code}
    else:
        choices = {spelled: a for a in tasks.agencies for spelled in spellings(a)}
    cutoff = 0.7 if latin else 0.5
    close = difflib.get_close_matches(text.lower() if latin else text, list(choices), 3, cutoff)
    return list(dict.fromkeys(choices[c].name for c in close))
