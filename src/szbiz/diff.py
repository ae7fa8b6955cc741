"""What changed between two task lists: which new tasks continue old ones, which are new,
which were dropped. Pure: lists in, matches out.

How two tasks are compared:

- Their measure texts (title and description) are normalised: whitespace and
  punctuation removed, full-width letters, digits and signs folded to half-width
  (NFKC), Latin letters lower-cased.
- Identical normalised texts are the ``same`` task, similarity 1.0, whatever
  else changed. They are paired first, each new task (by id) with the old task
  of that text that shares the most of its agencies and area (then the lowest id).
- Otherwise the similarity is ``0.85 × text + 0.10 × agencies + 0.05 × area``:
  text is difflib's ratio of the two texts by characters, agencies the Jaccard
  index of their lead and support names, area 1 when both name the same area.
  It is below 1.0 for texts that differ.
- Pairs at or above the threshold are taken greedily, highest similarity first
  (of equals: the lower new id, then the lower old id); each task is in one pair
  at most. A pair is ``changed``; a new task left over is ``new``, an old one
  ``dropped``.

Speed: the ratio of every pair would take minutes for two lists of 2,000. A
pair's ratio is at most the share of characters the two texts have in common
(difflib's quick_ratio), which is counted for all pairs at once as bits in
integers; the exact ratio is computed only for a pair whose bound could still
win, best bound first. Texts are compared on their first 2,000 characters
(``COMPARED``), far beyond any measure of a real list: difflib's time grows with
the square of a text's length, and a hostile list of long texts would otherwise
keep ``diff`` busy for minutes. Identical texts are still told by the whole text.
"""

from __future__ import annotations

import heapq
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from szbiz.model import Task, TaskList

TEXT_WEIGHT = 0.85
AGENCY_WEIGHT = 0.10
AREA_WEIGHT = 0.05
THRESHOLD = 0.6
MOST_SIMILAR = 0.9999  # of texts that differ: 1.0 is for the same text only


class Change(StrEnum):
    SAME = "same"  # the measure text is identical
    CHANGED = "changed"  # a similar measure text
    NEW = "new"  # a task of the new list that continues none of the old
    DROPPED = "dropped"  # a task of the old list that no new task continues


class Field(StrEnum):
    """Besides the measure, what of a paired task differs."""

    LEAD = "lead"  # 牵头单位
    SUPPORT = "support"  # 责任单位
    DEADLINE = "deadline"  # 完成时限
    AREA = "area"  # 领域


@dataclass(frozen=True, slots=True)
class Match:
    """One line of the diff: a pair, or a task on one side only."""

    change: Change
    new: Task | None  # None for a dropped task
    old: Task | None  # None for a new task
    similarity: float = 0.0  # 1.0 for same; 0.0 for new and dropped
    fields: tuple[Field, ...] = ()  # of a pair: what changed besides the measure


@dataclass(frozen=True)
class Diff:
    old: TaskList
    new: TaskList
    matches: tuple[Match, ...]  # pairs and new tasks by new id, then dropped tasks by old id
    threshold: float = THRESHOLD

    def count(self, change: Change) -> int:
        return sum(m.change is change for m in self.matches)

    def of(self, *changes: Change) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.change in changes)


# The characters of a measure that similarity is judged on (see above).
COMPARED = 2000


def normalize(text: str) -> str:
    """The text as compared: NFKC (full-width to half-width), lower case, and only letters,
    digits and other symbols (no whitespace, punctuation or control characters)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LNS")


def _area_name(tasks: TaskList, task: Task) -> str:
    area = tasks.area(task.area)
    return normalize(area.name) if area is not None else ""


def _agencies(task: Task) -> frozenset[str]:
    return frozenset(normalize(name) for name in task.lead + task.support)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def _deadline_key(tasks: TaskList, task: Task) -> tuple[object, ...]:
    """When a task is due, within its list's year: 2020年底 in the 2020 list and 2021年底 in
    the 2021 list are the same deadline; an ongoing task's by its text."""
    if task.deadline is None:
        return ("ongoing", normalize(task.deadline_text))
    day = task.deadline
    return (day.year - tasks.document.year, day.month, day.day)


def changed_fields(old: TaskList, new: TaskList, was: Task, now: Task) -> tuple[Field, ...]:
    found = []
    if {normalize(n) for n in was.lead} != {normalize(n) for n in now.lead}:
        found.append(Field.LEAD)
    if {normalize(n) for n in was.support} != {normalize(n) for n in now.support}:
        found.append(Field.SUPPORT)
    if _deadline_key(old, was) != _deadline_key(new, now):
        found.append(Field.DEADLINE)
    if _area_name(old, was) != _area_name(new, now):
        found.append(Field.AREA)
    return tuple(found)


class _Side:
    """One list's tasks as compared: texts, agencies, areas, and each text's characters as
    bits of an integer (the n-th occurrence of a character is a bit of its own)."""

    def __init__(self, tasks: TaskList, vocabulary: dict[tuple[str, int], int]) -> None:
        self.tasks = tasks.tasks
        self.texts = [normalize(t.measure) for t in self.tasks]
        self.compared = [text[:COMPARED] for text in self.texts]
        self.agencies = [_agencies(t) for t in self.tasks]
        self.areas = [_area_name(tasks, t) for t in self.tasks]
        self.bits: list[int] = []
        for text in self.compared:
            seen: dict[str, int] = {}
            positions = []
            for char in text:
                nth = seen[char] = seen.get(char, 0) + 1
                positions.append(vocabulary.setdefault((char, nth), len(vocabulary)))
            mask = bytearray((len(vocabulary) + 7) // 8)
            for bit in positions:
                mask[bit >> 3] |= 1 << (bit & 7)
            self.bits.append(int.from_bytes(mask, "little"))


def diff(old: TaskList, new: TaskList, threshold: float = THRESHOLD) -> Diff:
    """Pair the tasks of ``new`` with those of ``old`` they continue (see the module)."""
    vocabulary: dict[tuple[str, int], int] = {}
    before, after = _Side(old, vocabulary), _Side(new, vocabulary)
    pairs: dict[int, tuple[int, float]] = {}  # new index → (old index, similarity)
    taken: set[int] = set()

    def extra(i: int, j: int) -> float:
        agencies = _jaccard(after.agencies[i], before.agencies[j])
        area = after.areas[i] == before.areas[j]
        return AGENCY_WEIGHT * agencies + AREA_WEIGHT * area

    # Identical texts first: each new task, by id, with the closest old task of its text.
    by_text: dict[str, list[int]] = {}
    for j, text in enumerate(before.texts):
        by_text.setdefault(text, []).append(j)
    for i in sorted(range(len(after.tasks)), key=lambda i: after.tasks[i].id):
        free = [j for j in by_text.get(after.texts[i], ()) if j not in taken]
        if free:
            best = min(free, key=lambda j: (-extra(i, j), before.tasks[j].id))
            pairs[i] = (best, 1.0)
            taken.add(best)

    _similar(before, after, threshold, pairs, taken, extra)
    return Diff(old, new, _matches(old, new, before, after, pairs), threshold)


def _similar(
    before: _Side,
    after: _Side,
    threshold: float,
    pairs: dict[int, tuple[int, float]],
    taken: set[int],
    extra: Callable[[int, int], float],
) -> None:
    """Pair the tasks left by similarity, greedily, best first; each pair's exact ratio is
    computed only when its bound is the best left."""
    from difflib import SequenceMatcher

    olds = [j for j in range(len(before.tasks)) if j not in taken]
    news = [i for i in range(len(after.tasks)) if i not in pairs]
    if not olds or not news:
        return
    # A pair can reach the threshold only if its text's bound q does:
    # TEXT_WEIGHT × q + AGENCY_WEIGHT + AREA_WEIGHT >= threshold, q = 2 × common / (la + lb).
    need = max(0.0, (threshold - AGENCY_WEIGHT - AREA_WEIGHT) / TEXT_WEIGHT / 2)
    # By length: a pair whose shorter text is too short beside the longer cannot reach
    # ``need`` (common <= the shorter length), so each new task looks at a window of them.
    olds.sort(key=lambda j: len(before.compared[j]))
    lengths = [len(before.compared[j]) for j in olds]
    old_bits = [before.bits[j] for j in olds]
    old_need = [need * n for n in lengths]
    rows: dict[int, list[tuple[float, int]]] = {}  # new index → (−bound, old index), best first
    heap: list[tuple[float, int, int, int, int]] = []  # (−score, exact?, new id, old id, …)
    for i in news:
        bits, length = after.bits[i], len(after.compared[i])
        if need > 0:
            low = bisect_left(lengths, need * length / (1 - need))
            high = bisect_right(lengths, length * (1 - need) / need)
        else:
            low, high = 0, len(olds)
        base = need * length
        found = [
            (k, common)
            for k, other, wanted in zip(
                range(low, high), old_bits[low:high], old_need[low:high], strict=True
            )
            if (common := (bits & other).bit_count()) >= base + wanted and common
        ]
        row = [
            (-(2 * common / (length + lengths[k])), before.tasks[olds[k]].id, olds[k])
            for k, common in found
        ]
        if not row:
            continue
        row.sort()
        rows[i] = [(bound, j) for bound, _id, j in row]
        _push_bound(heap, rows, i, 0, after)
    while heap:
        score, exact, _new_id, _old_id, packed = heapq.heappop(heap)
        i, k = divmod(packed, 1 << 32)
        j = rows[i][k][1]
        if i in pairs:
            continue
        if not exact:
            if k + 1 < len(rows[i]):
                _push_bound(heap, rows, i, k + 1, after)
            if j in taken:
                continue
            matcher = SequenceMatcher(None, before.compared[j], after.compared[i], autojunk=False)
            value = TEXT_WEIGHT * matcher.ratio() + extra(i, j)
            if value >= threshold:
                heapq.heappush(heap, (-value, 1, after.tasks[i].id, before.tasks[j].id, packed))
            continue
        if j in taken:
            continue
        pairs[i] = (j, min(-score, MOST_SIMILAR))
        taken.add(j)


def _push_bound(
    heap: list[tuple[float, int, int, int, int]],
    rows: dict[int, list[tuple[float, int]]],
    i: int,
    k: int,
    after: _Side,
) -> None:
    """Push the bound of new task ``i``'s ``k``-th best candidate: the most it could score."""
    bound = rows[i][k][0]
    most = TEXT_WEIGHT * -bound + AGENCY_WEIGHT + AREA_WEIGHT
    heapq.heappush(heap, (-most, 0, after.tasks[i].id, 0, (i << 32) | k))


def _matches(
    old: TaskList,
    new: TaskList,
    before: _Side,
    after: _Side,
    pairs: dict[int, tuple[int, float]],
) -> tuple[Match, ...]:
    found: list[Match] = []
    for i in sorted(range(len(after.tasks)), key=lambda i: after.tasks[i].id):
        now = after.tasks[i]
        if i not in pairs:
            found.append(Match(Change.NEW, now, None))
            continue
        j, similarity = pairs[i]
        was = before.tasks[j]
        change = Change.SAME if after.texts[i] == before.texts[j] else Change.CHANGED
        found.append(Match(change, now, was, similarity, changed_fields(old, new, was, now)))
    paired = {j for j, _score in pairs.values()}
    dropped = sorted((t for j, t in enumerate(before.tasks) if j not in paired), key=_task_id)
    found += [Match(Change.DROPPED, None, t) for t in dropped]
    return tuple(found)


def _task_id(task: Task) -> int:
    return task.id
