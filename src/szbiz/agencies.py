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

# What people write for an agency besides the spellings of the list: its full official
# name and the short forms in daily use. Kept here rather than as aliases in the list: the
# list's bytes name it in every fill-in form sent out (szbiz.collect).
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "市市场监管局": ("市市场监督管理局", "市监局"),
    "市政务服务数据管理局": ("市政数局",),
    "市住房建设局": ("市住房和建设局", "市住建局"),
    "市人力资源保障局": ("市人力资源和社会保障局", "市人社局"),
    "市发展改革委": ("市发展和改革委员会", "市发改委"),
    "市规划和自然资源局": ("市规划资源局", "市规自局"),
    "市交通运输局": ("市交通局",),
    "市城管和综合执法局": ("市城管局",),
    "市应急管理局": ("市应急局",),
    "市工业和信息化局": ("市工信局",),
    "市中级人民法院": ("市中院",),
    "市地方金融监管局": ("市地方金融监督管理局", "市金融监管局", "市金融局"),
    "市国资委": ("市国有资产监督管理委员会",),
    "市委编办": ("市编办",),
    "市退役军人事务局": ("市退役军人局",),
    "市残联": ("市残疾人联合会",),
    "市科技创新委": ("市科技创新委员会", "市科创委"),
    "市检察院": ("市人民检察院",),
    "市文化广电旅游体育局": ("市文广旅体局",),
    "市卫生健康委": ("市卫生健康委员会", "市卫健委"),
}
_SHORT = {short: name for name, shorts in SHORT_FORMS.items() for short in shorts}


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


def _forms(text: str) -> list[str]:
    """``text`` and what it may mean with the city's prefix written otherwise: 深圳市税务局
    and 深圳税务局 for 市税务局, 市海关 for 深圳海关, 人社局 for 市人社局."""
    if text.startswith("深圳市"):
        stem = text[3:]
        return [text, "市" + stem, "深圳" + stem]
    if text.startswith("深圳"):
        return [text, "市" + text[2:]]
    if text.startswith("市"):
        return [text, "深圳" + text[1:]]
    return [text, "市" + text, "深圳" + text]


def resolve(query: str, tasks: TaskList) -> Agency:
    """The one agency ``query`` means.

    Tried in order: a canonical name or alias (spaces and half-width brackets
    forgiven), a pinyin code with or without its 市/深圳 prefix (``swj``,
    ``sswj``), a name or alias or short form (``SHORT_FORMS``: 市人社局, 市监局)
    with the city written either way or not at all (深圳市税务局 and 深圳税务局 for
    市税务局, 人社局 for 市人社局), then a part of a name or alias that only one
    agency has (``税务``). Raises AgencyError listing the
    candidates when several match, or the closest names when none does.
    """
    found = resolve_all(query, tasks)
    if len(found) > 1:
        raise AgencyError(
            _("{text!r} matches {count} agencies: {names}; give more of the name").format(
                text=query, count=len(found), names=_names(found)
            )
        )
    return found[0]


def resolve_all(query: str, tasks: TaskList) -> tuple[Agency, ...]:
    """The agencies ``query`` means: one, as ``resolve`` finds it, or every agency whose
    pinyin code it is when several share it (``zjj``: 市住房建设局, whose other spelling
    市住建局 reads so, and 深圳证监局)."""
    text = normalize_name(query)
    if not text:
        raise AgencyError(_("an empty agency name"))
    names = {a.name: {normalize_name(s) for s in spellings(a)} for a in tasks.agencies}
    for agency in tasks.agencies:
        if text in names[agency.name]:
            return (agency,)
    lowered = text.lower()
    by_code = tuple(a for a in tasks.agencies if lowered in _codes(a))
    if by_code:
        return by_code
    forms = _forms(text)
    for form in forms:
        for agency in tasks.agencies:
            if form in names[agency.name] or _SHORT.get(form) == agency.name:
                return (agency,)
    partial = [a for a in tasks.agencies if any(f in s for f in forms for s in names[a.name])]
    if len(partial) == 1:
        return (partial[0],)
    # 市场监管 means 市市场监管局 rather than 市、区市场监管领域相关部门: the short
    # forms people say, with the 市 prefix or the 局 suffix left off.
    short = {text, "市" + text, text + "局", "市" + text + "局"}
    shortened = [a for a in partial if a.name in short]
    if len(shortened) == 1:
        return (shortened[0],)
    if partial:
        raise AgencyError(
            _("{text!r} matches {count} agencies: {names}; give more of the name").format(
                text=query, count=len(partial), names=_names(partial)
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
