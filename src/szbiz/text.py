"""Text clean-up shared by the importer and the agency resolver."""

from __future__ import annotations

import re

# CJK ideographs and the punctuation that goes with them (including the
# curly quotes Chinese text uses).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014"
_WRAP_SPACE = rf"(?<=[{_CJK}{_CJK_PUNCT}])\s+(?=[{_CJK}{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}])\s+"
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）"})


def unwrap(text: str) -> str:
    """Remove the spaces a PDF's line wrapping leaves between CJK characters.

    ``市政务服务数据 管理局`` → ``市政务服务数据管理局``; ``时间。 推动`` → ``时间。推动``.
    Spaces between CJK and Latin text or digits (``整合为 1 个``) are kept.
    """
    return re.sub(_WRAP_SPACE, "", text.strip())  # compiled on first use, then cached by re


def normalize_name(name: str) -> str:
    """An agency name as the registry spells it: unwrapped, full-width brackets."""
    return re.sub(r"\s+", "", name).translate(_HALF_TO_FULL)


_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_numeral(text: str) -> int | None:
    """Read 一 … 九十九 as an int; None for anything else."""
    if not text or any(c not in _NUMERALS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _NUMERALS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0)
