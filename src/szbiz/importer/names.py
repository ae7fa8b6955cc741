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


def agency_kind(name: str, issuer: str = "深圳市人民政府") -> AgencyKind:
    """The kind of an agency, from its name and the government that issued the list.

    A name says it where it carries a head or a prefix: 国家…, 国务院…, 最高人民法院
    and a ministry's 部, 总局, 署 are national, and a place after them makes
    a branch (国家税务总局深圳市税务局 is central); 省… and 广东省… are provincial;
    市… and 广州市… municipal; 深圳… (not 深圳市…) a national agency's office in
    the city. Where it does not (发展改革委), the issuer tells: a ministry's under
    the State Council, a department's under a province, the city's under a
    city. Else, unknown. The city's rules apply to the names that carry its
    prefix only, so that no ministry is taken for a city's bureau.
    """
    name = normalize_name(name)
    # 深圳市税务局 is the 市税务局 of the 2020 list.
    local = "市" + name[len("深圳市") :] if name.startswith("深圳市") else name
    if local in KINDS:
        return KINDS[local]
    if (name.startswith(("各区", "区")) and not name.startswith("区块")) or name.endswith("管委会"):
        return AgencyKind.DISTRICT
    if "区政府" in name:
        return AgencyKind.DISTRICT
    if name.startswith("各") or re.search(r"相关|有关|成员单位|各级", name):
        return AgencyKind.COLLECTIVE
    head = next((h for h in _NATIONAL_HEADS if name.startswith(h)), None)
    if head is not None:
        branch = _BRANCH.search(name[len(head) :])
        return AgencyKind.CENTRAL if branch else AgencyKind.NATIONAL
    if name in NATIONAL_NAMES:
        return AgencyKind.NATIONAL
    if re.search(r"法院|检察院|仲裁", name):
        return AgencyKind.JUDICIAL
    if name.endswith(("集团", "公司")):
        return AgencyKind.ENTERPRISE
    if _PROVINCE.match(name) and not _CITY.match(_PROVINCE.sub("", name)):
        return AgencyKind.PROVINCIAL
    if name.startswith("深圳") and not name.startswith("深圳市"):
        return AgencyKind.CENTRAL  # 深圳海关, 深圳证监局
    if _CITY.match(name) or _PROVINCE.match(name):
        return AgencyKind.MUNICIPAL
    if re.search(r"(部|总局|署)$", name) and not re.search(r"(组织|宣传|统战)部$", name):
        return AgencyKind.NATIONAL  # 公安部, 市场监管总局, 海关总署
    level = _issuer_level(issuer)
    if level is AgencyKind.MUNICIPAL:
        return level  # a city's list names its own departments without 市 (as 2020's did)
    if level is not None and _AGENCY_SUFFIX.search(name):
        return level
    return AgencyKind.UNKNOWN


# Names that begin a national agency's: a branch follows some with a place.
_NATIONAL_HEADS = (
    "国家",
    "国务院",
    "中共中央",
    "中央",
    "中国人民银行",
    "人民银行",
    "中国证监会",
    "中国银保监会",
    "海关总署",
    "最高人民法院",
    "最高人民检察院",
)
# National agencies named without such a head.
NATIONAL_NAMES = frozenset({"银保监会", "证监会", "银监会", "保监会", "外汇局", "全国人大常委会"})
# What makes a national agency's name its branch's: a place, or a branch's word.
_BRANCH = re.compile(r"深圳|广东|[省市县](?!场)|区(?!块)|分局|分行|支行|分署|监管局|办事处|代办处")
_PROVINCE = re.compile(r"^(?:省|[\u4e00-\u9fff]{2,7}?(?:省|自治区))")
_CITY = re.compile(r"^(?:市|[\u4e00-\u9fff]{2,6}?市)(?!场)")
# What ends a government department's name: 发展改革委, 商务局, 外事办.
_AGENCY_SUFFIX = re.compile(r"(?:局|委|委员会|办|办公室|办公厅|厅|署|部)$")


def _issuer_level(issuer: str) -> AgencyKind | None:
    """The kind of the departments a government names without a prefix; None when unknown."""
    issuer = normalize_name(issuer)
    if issuer.startswith(("国务院", "中共中央", "国家", "中央")) or re.search(
        r"(部|总局|署)$", issuer
    ):
        return AgencyKind.NATIONAL
    if re.search(r"[区县](?:人民)?政府|[区县]委", issuer):
        return AgencyKind.DISTRICT
    if re.search(r"市(?!场)", issuer):
        return AgencyKind.MUNICIPAL
    if re.search(r"省|自治区", issuer):
        return AgencyKind.PROVINCIAL
    return None


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

    def agencies(self, issuer: str = "深圳市人民政府") -> tuple[Agency, ...]:
        """The agencies with their codes, and their kinds as the issuer's list names them."""
        codes = agency_codes(self.spellings)
        out = []
        for name, aliases in self.spellings.items():
            # Another spelling may read differently (市住建局 is zjj, 市住房建设局
            # zfjsj): its initials find the agency too, or show it among the
            # candidates where they are another agency's code.
            others = dict.fromkeys(initials(a) for a in aliases)
            alias_codes = tuple(c for c in others if c and c != codes[name])
            kind = agency_kind(name, issuer)
            out.append(Agency(name, kind, tuple(aliases), codes[name], alias_codes))
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


@dataclass(frozen=True)
class Parties:
    """Who leads a task and who supports it, as its cells name them, with what they add."""

    lead: tuple[str, ...]
    support: tuple[str, ...]
    lead_note: str = ""  # e.g. 按职责分工负责, 会同有关部门
    support_note: str = ""  # e.g. 等


# What a list writes after agencies about them, not an agency: QUALIFIERS and
# more, longest first, so that 等有关部门 is one note and not 等 after 有关部门.
NOTES = tuple(
    sorted(
        {
            *QUALIFIERS,
            "等有关部门和单位",
            "等相关部门和单位",
            "等有关部门",
            "等相关部门",
            "等有关单位",
            "等相关单位",
            "等部门",
            "等单位",
        },
        key=len,
        reverse=True,
    )
)
# Words after agencies that say what they do: lead, support, or what the cell says.
_LEAD_WORDS = ("牵头负责", "牵头")
_SUPPORT_WORDS = ("配合落实", "协助配合", "配合", "参与", "协办", "协助", "协同")
_DUTY_WORDS = ("共同负责", "分别负责", "负责")
# 牵头单位：, 责任单位：, 配合部门: and the like before agencies.
_LABEL = re.compile(r"^(牵头|主责|责任|配合|参与|协办|协同|协助)(?:单位|部门)?\s*[：:]\s*")
_LEAD_LABELS = ("牵头", "主责")
# X会同有关部门负责: no agency named beside X, only a note.
_UNNAMED = ("有关部门和单位", "相关部门和单位", "有关部门", "相关部门", "有关单位", "相关单位")
_BRACKETS = {"）": "（", ")": "(", "〕": "〔", "]": "[", "】": "【"}
# Between the parts of a cell, unless inside a name that holds a separator.
_PART = re.compile("(?:" + "|".join(map(re.escape, COLLECTIVES)) + r"|[^、，,；;])+")
# How an agency's name ends and the next one's begins, for names apart by spaces only.
_NAME_END = re.compile(
    r"(?:局|委|部|办|厅|署|院|会|中心|集团|政府|单位|部门|海关|银行|支行|分行|站|馆|所|处|室|公司|机构|[）)])$"
)
_NAME_START = ("市", "区", "省", "深圳", "各", "国家", "国务院", "中国")
_PARTY_WORDS = re.compile(r"牵头|会同|配合|参与|协办|协助|(?:责任|主责)(?:单位|部门)")


@dataclass
class _Cell:
    """What one cell says: names and notes by role (lead or support)."""

    names: dict[bool, list[str]] = field(default_factory=lambda: {True: [], False: []})
    notes: dict[bool, list[str]] = field(default_factory=lambda: {True: [], False: []})

    def note(self, lead: bool, text: str) -> None:
        if text not in self.notes[lead]:
            self.notes[lead].append(text)


def read_parties(lead_cell: str, support_cell: str = "", *, first_is_lead: bool = False) -> Parties:
    """The lead and support agencies of a task, from its 牵头单位 and 责任单位 cells.

    Agencies are apart by 、，,；; (or spaces, between whole names). A cell names
    them plainly (a lead cell's lead, a support cell's support), or says who
    does what: ``X负责``, ``X、Y负责``, ``X会同Y负责`` (X leads, Y supports),
    ``X牵头，Y配合``, ``X牵头、Y参与``, ``牵头单位：X；责任单位：Y`` (also
    配合单位, 参与单位, 协办单位), all of it in 〔…〕 or （…） or not. What
    follows agencies about them is a note: 等, 等有关部门和单位, 按职责分工负责,
    and 会同有关部门 (``X会同有关部门负责``: X leads, no other named).

    With ``first_is_lead`` (a list that says 列第一位者为牵头单位), the first of
    several leads leads and the others support, before the support cell's.
    """
    lead_side, support_side = _read_cell(lead_cell, True), _read_cell(support_cell, False)
    lead = lead_side.names[True] + support_side.names[True]
    support = lead_side.names[False] + support_side.names[False]
    if first_is_lead and len(lead_side.names[True]) > 1:
        support = lead[1:] + support
        lead = lead[:1]
    return Parties(
        tuple(lead),
        tuple(support),
        "；".join(dict.fromkeys(lead_side.notes[True] + support_side.notes[True])),
        "；".join(dict.fromkeys(lead_side.notes[False] + support_side.notes[False])),
    )


def inline_parties(text: str) -> tuple[str, Parties | None]:
    """Agencies written inside a measure's text: returns (text without them, parties) —
    `……。（牵头单位：X；责任单位：Y、Z）`, `〔X牵头，Y配合〕`, `（X负责）`; None when none found.

    Only a bracket that ends the text (before a closing 。 or ；) is read, and
    only when it says who does what; other brackets are the measure's own.
    """
    body = text.rstrip()
    end = body.rstrip("。.；;")
    trail = body[len(end) :]
    end = end.rstrip()
    start = _opening(end)
    if start is None:
        return text, None
    inner = end[start + 1 : -1]
    parties = read_parties(inner)
    if not parties.lead and not parties.support:
        return text, None
    if not _PARTY_WORDS.search(inner):
        # (X负责) says so only when every X is an agency: not (企业自行负责).
        duty = inner.rstrip().endswith(_DUTY_WORDS)
        names = parties.lead + parties.support
        if not duty or not all(_NAME_END.search(n) or n.startswith("各") for n in names):
            return text, None
    return end[:start].rstrip() + trail, parties


def _opening(text: str) -> int | None:
    """Where the bracket that closes ``text`` opens; None when it ends in none."""
    if not text or text[-1] not in _BRACKETS:
        return None
    closer, opener = text[-1], _BRACKETS[text[-1]]
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == closer:
            depth += 1
        elif text[i] == opener:
            depth -= 1
            if depth == 0:
                return i
    return None


def _read_cell(cell: str, lead: bool) -> _Cell:
    """The names and notes of one cell; ``lead`` is the role of the names it gives plainly."""
    text = cell.strip()
    for _layer in range(3):  # 〔X牵头，Y配合〕: the whole cell in brackets (a few, not any number)
        if _opening(text) != 0:
            break
        text = text[1:-1].strip()
    out = _Cell()
    role = lead  # the role of the names read since the last that had one
    pending: list[str] = []

    def flush(to: bool) -> None:
        out.names[to].extend(pending)
        pending.clear()

    for match in _PART.finditer(text):
        part = match.group().strip()
        label = _LABEL.match(part)
        if label:
            flush(role)
            role = label.group(1) in _LEAD_LABELS
            part = part[label.end() :]
        said: bool | None = None  # the role a word after the names gives them
        while True:
            note = next((q for q in NOTES if part.endswith(q)), None)
            if note is not None:
                part = part[: -len(note)].rstrip()
                out.note(role if said is None else said, note)
            elif word := next((w for w in _LEAD_WORDS if part.endswith(w)), None):
                part, said = part[: -len(word)].rstrip(), True
            elif word := next((w for w in _SUPPORT_WORDS if part.endswith(w)), None):
                part, said = part[: -len(word)].rstrip(), False
            elif word := next((w for w in _DUTY_WORDS if part.endswith(w)), None):
                part, said = part[: -len(word)].rstrip(), role if said is None else said
            else:
                break
        if "会同" in part:  # X会同Y: X leads, Y and those after it support
            head, _sep, part = part.partition("会同")
            pending.extend(_names(head))
            flush(True)
            role = False
            if said is not None:
                said = False
            part = part.strip()
            if part in _UNNAMED:
                out.note(True, "会同" + part)
                part = ""
        pending.extend(_names(part))
        if said is not None:
            flush(said)
    flush(role)
    return out


def _names(part: str) -> list[str]:
    """The names in a part, apart where a space comes between two whole names.

    A space inside a name (a PDF's line wrapping: 市政务服务数据 管理局) stays.
    """
    words = re.split(r"(\s+)", part.strip())
    if not words[0]:
        return []
    names = [words[0]]
    for space, word in zip(words[1::2], words[2::2], strict=True):
        left = names[-1]
        whole = len(left) >= 3 and _NAME_END.search(left)
        starts = word.startswith(_NAME_START) or (len(word) >= 3 and _NAME_END.search(word))
        if whole and starts:
            names.append(word)
        else:
            names[-1] = left + space + word
    return names
