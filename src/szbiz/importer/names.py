"""Agency names as reform lists write them: spellings, kinds, codes and cells of several."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from szbiz.model import Agency, AgencyKind
from szbiz.text import normalize_name

# Different spellings of one agency in the source, after normalize_name().
SYNONYMS: dict[str, str] = {
    "市人力资源社会保障局": "市人力资源保障局",
    "市住建局": "市住房建设局",
    "市文化旅游广电体育局": "市文化广电旅游体育局",
    "各区人民政府（新区管委会）": "各区政府（新区管委会）",
    "各区": "各区政府（新区管委会）",
}

# Names that contain a list separator but are one collective.
COLLECTIVES = ("市、区市场监管领域相关部门",)

# Qualifiers written after an agency, longest first.
QUALIFIERS = (
    "等部门按职责分工负责",
    "按部门职责分工负责",
    "按职责分工分别负责",
    "按职责分工负责",
    "等",
)

# Kinds that the name alone does not tell.
KINDS: dict[str, AgencyKind] = {
    "市税务局": AgencyKind.CENTRAL,  # vertically managed by the State Taxation Administration
    "市通信管理局": AgencyKind.CENTRAL,
    "证券登记结算机构": AgencyKind.CENTRAL,
    "深圳供电局": AgencyKind.ENTERPRISE,
    "前海管理局": AgencyKind.DISTRICT,
    "深圳国际仲裁院": AgencyKind.JUDICIAL,
}

_SPLIT = re.compile(r"[、，,；;]")


def agency_kind(name: str) -> AgencyKind:
    """Classify a canonical agency name."""
    if name in KINDS:
        return KINDS[name]
    if name.startswith("各区") or name.endswith("管委会") or "区政府" in name:
        return AgencyKind.DISTRICT
    if name.startswith("各") or re.search(r"相关部门|有关单位|有关部门|成员单位", name):
        return AgencyKind.COLLECTIVE
    if re.search(r"法院|检察院|仲裁", name):
        return AgencyKind.JUDICIAL
    if name.endswith("集团"):
        return AgencyKind.ENTERPRISE
    if name.startswith(("深圳", "人民银行")):
        return AgencyKind.CENTRAL
    return AgencyKind.MUNICIPAL


PREFIXES = ("深圳", "市")  # left out of an agency's code: swj, not sswj, for 市税务局


def _syllables(name: str) -> list[str]:
    """The pinyin of a name less its 市/深圳 prefix: shui wu ju for 市税务局."""
    # pypinyin knows the readings of phrases (银行 is yinhang); imported here
    # because only the importer needs it.
    from pypinyin import lazy_pinyin

    prefix = next((p for p in PREFIXES if name.startswith(p) and len(name) > len(p) + 1), "")
    stem = name[len(prefix) :]
    return [s.lower() for s in lazy_pinyin(stem, errors="ignore") if s.isalpha()]


def initials(name: str) -> str:
    """The pinyin initials of a name less its 市/深圳 prefix: zjj for 市住建局."""
    return "".join(s[0] for s in _syllables(normalize_name(name)))


def agency_codes(names: Iterable[str]) -> dict[str, str]:
    """A short, unique ASCII code per agency, for typing without a Chinese keyboard.

    The code is the pinyin initials of the name less its 市/深圳 prefix. Names
    read alike (税务局, 水务局, 商务局 are all swj) keep it in order of first
    appearance; later ones spell their first syllable out (shuiwj, shangwj).
    """
    codes: dict[str, str] = {}
    for name in names:
        syllables = _syllables(name) or ["x"]
        code = "".join(s[0] for s in syllables)
        spelled = syllables[0] + code[1:]
        candidates = itertools.chain((code, spelled), (f"{code}{n}" for n in itertools.count(2)))
        codes[name] = next(c for c in candidates if c not in codes.values())
    return codes


@dataclass
class _Registry:
    """Agencies in order of first appearance, with every spelling seen."""

    spellings: dict[str, list[str]] = field(default_factory=dict)

    def add(self, raw: str) -> str:
        canonical = SYNONYMS.get(normalize_name(raw), normalize_name(raw))
        seen = self.spellings.setdefault(canonical, [])
        if raw != canonical and raw not in seen:
            seen.append(raw)
        return canonical

    def agencies(self) -> tuple[Agency, ...]:
        codes = agency_codes(self.spellings)
        out = []
        for name, aliases in self.spellings.items():
            # Another spelling may read differently (市住建局 is zjj, 市住房建设局
            # zfjsj): its initials find the agency too, or show it among the
            # candidates where they are another agency's code.
            others = dict.fromkeys(initials(a) for a in aliases)
            alias_codes = tuple(c for c in others if c and c != codes[name])
            out.append(Agency(name, agency_kind(name), tuple(aliases), codes[name], alias_codes))
        return tuple(out)


def split_agencies(cell: str) -> tuple[list[str], str]:
    """``甲、乙等部门按职责分工负责`` → (["甲", "乙"], "等部门按职责分工负责")."""
    text = cell.strip()
    protected = {f"\0{i}\0": phrase for i, phrase in enumerate(COLLECTIVES)}
    for key, phrase in protected.items():
        text = text.replace(phrase, key)
    names: list[str] = []
    notes: list[str] = []
    for part in _SPLIT.split(text):
        part = part.strip()
        for q in QUALIFIERS:
            if part.endswith(q) and len(part) > len(q):
                part = part[: -len(q)].rstrip()
                if q not in notes:
                    notes.append(q)
                break
        if part:
            names.append(protected.get(part, part))
    return names, "；".join(notes)
