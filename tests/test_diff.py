"""szbiz diff OLD NEW: which tasks of a new list continue the old list's, which are new,
which were dropped."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from szbiz.diff import Change, diff
from szbiz.load import load
from szbiz.model import Task, TaskList

from .conftest import TASKS

# Ten tasks reworded as a new year's list rewords them: a phrase replaced, a clause added.
REWORDED = (5, 17, 42, 63, 88, 101, 130, 152, 177, 199)


def _reword(task: Task) -> Task:
    """A new year's wording: the title's first two characters replaced by 全面, and a clause
    added to the description."""
    description = task.description.rstrip("。") + "，并于年底前开展实施效果评估。"
    return replace(task, title="全面" + task.title[2:], description=description)


@pytest.fixture(scope="module")
def real() -> TaskList:
    return load(TASKS).tasks


def test_reworded_and_renumbered_tasks_pair_with_their_own(real: TaskList) -> None:
    """Shuffled ids and every text reworded: each new task still finds its old one."""
    count = len(real.tasks)
    tasks = tuple(replace(_reword(t), id=count + 1 - t.id) for t in real.tasks)
    result = diff(real, replace(real, tasks=tasks))
    assert result.count(Change.CHANGED) == count
    assert all(
        m.new is not None and m.old is not None and m.new.id == count + 1 - m.old.id
        for m in result.matches
    )


def test_two_lists_of_210_diff_quickly(real: TaskList) -> None:
    tasks = tuple(_reword(t) for t in real.tasks)
    start = time.perf_counter()
    result = diff(real, replace(real, tasks=tasks))
    assert time.perf_counter() - start < 1.0
    assert result.count(Change.CHANGED) == 210
